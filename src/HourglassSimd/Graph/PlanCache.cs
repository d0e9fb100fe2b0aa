namespace HourglassSimd.Graph;

/// <summary>
/// The plans of the input sizes a network has been run at, built on first use and bounded in number: past
/// <c>capacity</c> sizes the least recently used plan is dropped (runs still using it finish normally). Concurrent
/// first calls for one size build its plan once. A lookup of a cached size allocates nothing.
/// </summary>
internal sealed class PlanCache(int capacity, Func<int, int, SizedPlan> build)
{
    private sealed class Entry(Lazy<SizedPlan> plan)
    {
        public Lazy<SizedPlan> Plan { get; } = plan;

        public long LastUse { get; set; }
    }

    private readonly Dictionary<(int Height, int Width), Entry> _entries = [];
    private readonly Lock _lock = new();
    private long _clock;
    private int _builds;

    /// <summary>Plans built so far (for tests: a cached size is never built twice while it stays cached).</summary>
    public int BuildCount => Volatile.Read(ref _builds);

    /// <summary>The input sizes with a plan now, least recently used first.</summary>
    public IReadOnlyList<(int Height, int Width)> Sizes
    {
        get
        {
            lock (_lock)
                return [.. _entries.OrderBy(e => e.Value.LastUse).Select(e => e.Key)];
        }
    }

    /// <summary>The plan for <paramref name="height"/> x <paramref name="width"/>, built now if it is not cached.</summary>
    public SizedPlan Get(int height, int width)
    {
        var key = (height, width);
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out entry))
            {
                entry = NewEntry(height, width);
                _entries.Add(key, entry);
                entry.LastUse = ++_clock;
                EvictBeyondCapacity(); // never the new entry: it is the most recently used
            }
            else
            {
                entry.LastUse = ++_clock;
            }
        }
        try
        {
            return entry.Plan.Value;
        }
        catch
        {
            lock (_lock) // a failed build is not cached: the next call tries again
            {
                if (_entries.TryGetValue(key, out var current) && current == entry)
                    _entries.Remove(key);
            }
            throw;
        }
    }

    // A method of its own: a lambda in Get would make every call, hits included, allocate the captured parameters.
    private Entry NewEntry(int height, int width) =>
        new(new Lazy<SizedPlan>(() => Build(height, width), LazyThreadSafetyMode.ExecutionAndPublication));

    private SizedPlan Build(int height, int width)
    {
        Interlocked.Increment(ref _builds);
        return build(height, width);
    }

    private void EvictBeyondCapacity()
    {
        while (_entries.Count > capacity)
        {
            var oldest = _entries.MinBy(e => e.Value.LastUse).Key;
            _entries.Remove(oldest);
        }
    }
}

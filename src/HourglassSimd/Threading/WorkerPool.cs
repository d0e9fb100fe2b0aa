using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace HourglassSimd.Threading;

/// <summary>A batch of independent work items, numbered from 0.</summary>
internal interface IParallelWork
{
    void Execute(int item);
}

/// <summary>
/// A persistent pool: the calling thread plus <c>threads − 1</c> dedicated workers run the items of one parallel
/// region, each starting on its own contiguous share of the item numbers and then helping with the others'
/// (<see cref="Share"/>). Between regions workers spin briefly (layers follow each
/// other within microseconds), then sleep on a monitor. No allocation per region.
/// A region is entered by one caller at a time; a concurrent caller that finds the pool busy runs its items
/// itself, which is correct and keeps concurrent <c>Run</c> calls busy on their own threads.
/// <see cref="Dispose"/> waits for the region in progress to finish (workers never leave a region half done); a region
/// asked for afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Ints between two threads' counters: 128 bytes, so no two share a cache line (or an adjacent-line prefetch pair).</summary>
    private const int CounterStride = 32;

    /// <summary>Whether each thread starts on its own contiguous share (<see cref="Share"/>); off, all threads take
    /// items from one counter, as before. A switch for A/B measurements.</summary>
    internal static bool ContiguousShares = true;

    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // ~1 ms of spinning before sleeping

    private readonly Thread[] _workers;
    private readonly object _sleepGate = new();
    private readonly object _regionGate = new();
    private IParallelWork? _work;

    /// <summary>Per thread (caller 0, workers 1..): the next item of its share, one counter per 128 bytes.</summary>
    private readonly int[] _next;

    /// <summary>Per thread: the end (exclusive) of its share of the region's items.</summary>
    private readonly int[] _end;
    private int _busyWorkers;
    private int _sleepers;
    private long _generation;
    private volatile bool _disposed;
    private ExceptionDispatchInfo? _failure;

    public WorkerPool(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "At least one thread is needed.");
        Threads = threads;
        _next = new int[threads * CounterStride];
        _end = new int[threads];
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int self = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(self), maxStackSize: 4 << 20) { IsBackground = true, Name = $"HourglassSimd worker {self}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that work on one region, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs items 0..count−1 of <paramref name="work"/> and returns when all are done.</summary>
    public void Run(IParallelWork work, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0)
            return;
        if (_workers.Length == 0 || count == 1 || !Monitor.TryEnter(_regionGate))
        {
            for (int i = 0; i < count; i++)
                work.Execute(i);
            return;
        }
        try
        {
            // Disposed between the check above and the gate: the workers are gone, so no region may start.
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work = work;
            _failure = null;
            Share(count);
            Volatile.Write(ref _busyWorkers, _workers.Length);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_sleepGate) Monitor.PulseAll(_sleepGate);

            ExecuteItems(work, 0);
            var spin = new SpinWait();
            while (Volatile.Read(ref _busyWorkers) > 0)
                spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
            _failure?.Throw();
        }
        finally
        {
            Monitor.Exit(_regionGate);
        }
    }

    /// <summary>
    /// Cuts items 0..count−1 into one contiguous share per thread, in order. Work items are numbered row-major over
    /// the output, and a layer's rows come from the same rows of the layer before (pooling and upsampling keep the
    /// top half on top), so a thread that keeps to its share reads mostly what it wrote itself, from its own L2,
    /// instead of half of it from the other core's. A thread whose share is done takes items from the others' (a core
    /// that stalls does not hold the region up). Which thread computes an item never changes its result.
    /// </summary>
    private void Share(int count)
    {
        int threads = Threads;
        for (int t = 0; t < threads; t++)
        {
            int start = ContiguousShares ? ShareStart(count, t, threads) : 0;
            _end[t] = ContiguousShares ? ShareStart(count, t + 1, threads) : (t == 0 ? count : 0);
            Volatile.Write(ref _next[t * CounterStride], start);
        }
    }

    /// <summary>The first item of thread <paramref name="thread"/>'s share (the share ends where the next begins).</summary>
    internal static int ShareStart(int count, int thread, int threads) => (int)((long)count * thread / threads);

    /// <summary>Runs the items of thread <paramref name="self"/>'s share, then what is left of the others'.</summary>
    private void ExecuteItems(IParallelWork work, int self)
    {
        try
        {
            int threads = Threads;
            for (int k = 0; k < threads; k++)
            {
                int t = (self + k) % threads;
                int end = _end[t];
                int item;
                while ((item = Interlocked.Increment(ref _next[t * CounterStride]) - 1) < end)
                    work.Execute(item);
            }
        }
        catch (Exception e)
        {
            // Stop handing out items and report the first failure to the caller.
            for (int t = 0; t < Threads; t++)
                Volatile.Write(ref _next[t * CounterStride], _end[t]);
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    private void WorkerLoop(int self)
    {
        long seen = 0;
        while (true)
        {
            long generation = WaitForRegion(seen);
            if (_disposed)
                return;
            seen = generation;
            var work = _work;
            if (work is not null)
                ExecuteItems(work, self);
            Interlocked.Decrement(ref _busyWorkers);
        }
    }

    private long WaitForRegion(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (Stopwatch.GetTimestamp() - start < SpinTicks)
        {
            long generation = Volatile.Read(ref _generation);
            if (generation != seen || _disposed)
                return generation;
            spin.SpinOnce(sleep1Threshold: -1);
        }
        lock (_sleepGate)
        {
            Interlocked.Increment(ref _sleepers);
            try
            {
                long generation;
                while ((generation = Volatile.Read(ref _generation)) == seen && !_disposed)
                    Monitor.Wait(_sleepGate);
                return generation;
            }
            finally
            {
                Interlocked.Decrement(ref _sleepers);
            }
        }
    }

    /// <summary>
    /// Stops the workers once the region in progress (if any) has finished; later regions throw
    /// <see cref="ObjectDisposedException"/>. Waits for the workers to exit.
    /// </summary>
    public void Dispose()
    {
        lock (_regionGate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        lock (_sleepGate) Monitor.PulseAll(_sleepGate);
        foreach (var worker in _workers)
            if (worker != Thread.CurrentThread)
                worker.Join();
    }
}

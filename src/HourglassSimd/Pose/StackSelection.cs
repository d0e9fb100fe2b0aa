namespace HourglassSimd.Pose;

/// <summary>
/// Which stacks' heatmaps a <see cref="PoseEstimator"/> decodes: the last one (the default, hourglass-spec §3.1),
/// all of them averaged, or chosen ones averaged. Immutable.
/// </summary>
public sealed class StackSelection
{
    private readonly int[]? _indices; // null: last or all, per _all

    private readonly bool _all;

    private StackSelection(int[]? indices, bool all)
    {
        _indices = indices;
        _all = all;
    }

    /// <summary>Only the last stack's heatmaps (the reference behaviour).</summary>
    public static StackSelection Last { get; } = new(null, all: false);

    /// <summary>The mean of every stack's heatmaps.</summary>
    public static StackSelection All { get; } = new(null, all: true);

    /// <summary>The mean of the given stacks (0-based; a negative index counts from the end, −1 = last).</summary>
    /// <exception cref="ArgumentException">No index, or a repeated index.</exception>
    public static StackSelection Of(params int[] stacks)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        if (stacks.Length == 0)
            throw new ArgumentException("at least one stack index is needed.", nameof(stacks));
        if (stacks.Distinct().Count() != stacks.Length)
            throw new ArgumentException($"stack indices [{string.Join(", ", stacks)}] repeat.", nameof(stacks));
        return new StackSelection([.. stacks], all: false);
    }

    /// <summary>The 0-based stack indices this selection means for a network of <paramref name="stacks"/> stacks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index does not exist in such a network.</exception>
    public int[] Resolve(int stacks)
    {
        if (stacks < 1)
            throw new ArgumentOutOfRangeException(nameof(stacks), stacks, "stacks must be at least 1.");
        if (_indices is null)
            return _all ? [.. Enumerable.Range(0, stacks)] : [stacks - 1];
        var resolved = new int[_indices.Length];
        for (int i = 0; i < resolved.Length; i++)
        {
            int s = _indices[i] < 0 ? stacks + _indices[i] : _indices[i];
            if ((uint)s >= (uint)stacks)
                throw new ArgumentOutOfRangeException(nameof(stacks), $"stack index {_indices[i]} does not exist in a network of {stacks} stack(s).");
            resolved[i] = s;
        }
        if (resolved.Distinct().Count() != resolved.Length)
            throw new ArgumentOutOfRangeException(nameof(stacks), $"stack indices [{string.Join(", ", _indices)}] name the same stack twice in a network of {stacks} stack(s).");
        return resolved;
    }

    /// <inheritdoc/>
    public override string ToString() => _indices is null ? (_all ? "all stacks" : "last stack") : $"stacks [{string.Join(", ", _indices)}]";
}

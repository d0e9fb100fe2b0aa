namespace HourglassSimd.Pruning;

/// <summary>What <see cref="ChannelPruner.Prune"/> aims for and how it chooses the channels.</summary>
public sealed record PruningOptions
{
    /// <summary>The share of the network's MACs (or parameters) to keep, in (0, 1]; the pruner gets as close as it can without exceeding it.</summary>
    public double Ratio { get; init; } = 0.5;

    /// <summary>Whether <see cref="Ratio"/> counts MACs (default) or parameters.</summary>
    public PruningTarget Target { get; init; } = PruningTarget.Macs;

    /// <summary>How channels are scored (default the filter L1 norm, which works on model files).</summary>
    public PruningCriterion Criterion { get; init; } = PruningCriterion.FilterL1;

    /// <summary>One threshold over the network (default) or the same share per module.</summary>
    public PruningScope Scope { get; init; } = PruningScope.Global;

    /// <summary>
    /// Kept widths are rounded up to a multiple of this (never above the module's width): 1 keeps exactly the channels
    /// that pass; 8 or 16 suit vector widths.
    /// </summary>
    public int WidthMultiple { get; init; } = 1;

    /// <summary>
    /// Whether the 7x7 stem convolution's outputs are pruned too (default). At small inputs the stem holds most of the
    /// MACs (three quarters at 128x128 with 64 features), so without it a network cannot shrink far.
    /// </summary>
    public bool PruneStem { get; init; } = true;

    /// <exception cref="ArgumentOutOfRangeException">A ratio outside (0, 1] or an undefined enum value.</exception>
    public void Validate()
    {
        if (!(Ratio > 0 && Ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "The ratio to keep must be in (0, 1].");
        if (WidthMultiple < 1)
            throw new ArgumentOutOfRangeException(nameof(WidthMultiple), WidthMultiple, "The width multiple must be at least 1.");
        if (!Enum.IsDefined(Target))
            throw new ArgumentOutOfRangeException(nameof(Target), Target, null);
        if (!Enum.IsDefined(Criterion))
            throw new ArgumentOutOfRangeException(nameof(Criterion), Criterion, null);
        if (!Enum.IsDefined(Scope))
            throw new ArgumentOutOfRangeException(nameof(Scope), Scope, null);
    }
}

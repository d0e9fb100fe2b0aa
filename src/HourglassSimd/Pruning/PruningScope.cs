namespace HourglassSimd.Pruning;

/// <summary>Whether <see cref="ChannelPruner"/> compares channels across the whole network or prunes each module alike.</summary>
public enum PruningScope
{
    /// <summary>One threshold over every module's channels (scores normalized by their layer's mean), so modules lose what they can spare.</summary>
    Global = 0,

    /// <summary>Every module keeps the same share of its inner channels.</summary>
    PerModule = 1,
}

namespace HourglassSimd.Pruning;

/// <summary>What <see cref="PruningOptions.Ratio"/> measures.</summary>
public enum PruningTarget
{
    /// <summary>Multiply-accumulates per image at the network's input size.</summary>
    Macs = 0,

    /// <summary>Learned parameters.</summary>
    Parameters = 1,
}

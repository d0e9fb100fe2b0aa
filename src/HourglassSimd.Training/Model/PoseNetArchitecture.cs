namespace HourglassSimd.Training;

/// <summary>The configurable sizes of the PoseNet (spec §1.1): stacks S, features F (even), joints J.</summary>
/// <remarks>The stem widths (64, 128) and the hourglass depth (4) are fixed by the spec.</remarks>
public sealed record PoseNetArchitecture(int Stacks, int Features, int Joints)
{
    /// <summary>Max-pool levels inside each hourglass (64 → 32 → 16 → 8 → 4 at a 256 input).</summary>
    public const int HourglassDepth = 4;

    /// <summary>The network downsamples by 4 in the stem, then by 2^<see cref="HourglassDepth"/> inside an hourglass.</summary>
    public const int InputSizeMultiple = 64;

    /// <summary>Output heatmap side for a given input side (stride 4).</summary>
    public static int OutputSize(int inputSize) => inputSize / 4;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on sizes the network cannot be built with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Stacks, 1, nameof(Stacks));
        ArgumentOutOfRangeException.ThrowIfLessThan(Features, 2, nameof(Features));
        ArgumentOutOfRangeException.ThrowIfLessThan(Joints, 1, nameof(Joints));
        if (Features % 2 != 0)
        {
            // The residual bottleneck width is Features / 2.
            throw new ArgumentOutOfRangeException(nameof(Features), Features, "Features must be even.");
        }
    }
}

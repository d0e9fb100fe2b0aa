namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Caps every checkpoint reader applies to the state dict's floating-point tensors, from the sizes each tensor states,
/// before any data is inflated or allocated (docs/checkpoint-formats.md, "Limits"). A zip storage that would inflate past
/// them (a decompression bomb) is refused without being opened.
/// </summary>
public static class CheckpointLimits
{
    /// <summary>
    /// The most elements one tensor may have: the largest tensor of any network within
    /// <see cref="HourglassArchitecture"/>'s caps, the residuals' 3×3 convolution of F/2 to F/2 channels at
    /// F = <see cref="HourglassArchitecture.MaxFeatures"/> (37,748,736 elements).
    /// </summary>
    public const long MaxTensorElements = 9L * HourglassArchitecture.MaxFeatures * HourglassArchitecture.MaxFeatures / 4;

    /// <summary>
    /// The most bytes of floating-point tensor data one checkpoint may hold, as stored (1 GiB; the 8-stack, 256-feature
    /// network takes 102 MB in float32).
    /// </summary>
    public const long MaxDataBytes = 1L << 30;
}

namespace HourglassSimd;

/// <summary>The arithmetic a network's layers compute in.</summary>
public enum ModelPrecision
{
    /// <summary>float32 weights and activations (every converted or trained model).</summary>
    Float32 = 0,

    /// <summary>
    /// s8 weights (one scale per output channel) and u8 activations (one scale and zero point per tensor), int32
    /// accumulators; heatmaps come out in float32. Made by post-training quantization (<c>hourglass quantize</c>).
    /// </summary>
    Int8 = 1,

    /// <summary>
    /// s16 weights (one scale per output channel, each convolution's bound chosen so its int32 sums cannot overflow) and
    /// symmetric s16 activations within ±2047 (one scale per tensor), int32 accumulators; heatmaps come out in float32.
    /// Made by <c>hourglass quantize --precision int16</c>: about twice the int8 file, closer to float32.
    /// </summary>
    Int16 = 2,
}

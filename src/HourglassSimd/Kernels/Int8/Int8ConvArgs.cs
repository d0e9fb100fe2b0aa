namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// A quantized KxK convolution over channel-last (NHWC) uint8 activations, for <see cref="Int8DirectConv"/>. Output
/// pixel (y, x) reads the K x K input pixels from (y · Stride, x · Stride) on, so <see cref="Input"/> points at the
/// top-left of the padded input: a padded convolution's input carries its halo, filled with the input zero point
/// (the quantized 0). Input pixel (r, c) holds its channels at <c>Input + r · InRowStride + c · InPixelStride</c>,
/// padded to a multiple of 4 (one 32-bit lane of four u8 values is what one dot-product step consumes); output pixel
/// (y, x) gets <see cref="OutChannelsPadded"/> bytes at <c>Output + y · OutRowStride + x · OutPixelStride</c>, padded
/// channels getting the output zero point. A 1x1 convolution over a dense map may run as one row of all its pixels.
/// </summary>
internal unsafe struct Int8ConvArgs
{
    public byte* Input;
    public nint InRowStride;
    public nint InPixelStride;

    public int OutHeight;
    public int OutWidth;

    /// <summary>Kernel side K (1, 3 or 7).</summary>
    public int KernelSize;

    /// <summary>Stride in both directions.</summary>
    public int Stride;

    /// <summary>Input channels rounded up to a multiple of 4.</summary>
    public int InChannelsPadded;

    /// <summary>Weights packed by <see cref="Int8DirectConv.PackWeights"/>: [K · K][InChannelsPadded / 4][OutChannelsPadded][4].</summary>
    public sbyte* Weights;

    /// <summary>Output channels rounded up to a multiple of 16.</summary>
    public int OutChannelsPadded;

    /// <summary><see cref="Quantization.Requantization.StartValue"/> per output channel (0 for padding).</summary>
    public int* StartValues;

    /// <summary>Requantization multiplier per output channel (any finite value for padding).</summary>
    public float* Multipliers;

    public int OutputZeroPoint;

    /// <summary>
    /// A u8 map added before the ReLU (a residual module's shortcut), laid out as the output (same strides; it may be the
    /// output itself), or null. Its values enter as <c>(r − ResidualZeroPoint) · ResidualMultiplier</c>.
    /// </summary>
    public byte* Residual;
    public int ResidualZeroPoint;

    /// <summary>The residual's scale over the output's.</summary>
    public float ResidualMultiplier;

    public bool Relu;

    /// <summary>
    /// Also (or instead: <see cref="Output"/> may be null) the accumulators dequantized to float,
    /// <c>(float)acc × FloatMultipliers[o]</c> plus <see cref="FloatResidual"/> if any (no rounding to u8, no ReLU): a
    /// layer whose output stays float. Output channel o of pixel (y, x) goes to <c>FloatOutput + (o / 16) ·
    /// FloatGroupStride + y · FloatRowStride + x · FloatPixelStride + o % 16</c> (channel-blocked NCHW16c, or
    /// channel-last with a group stride of 16). Null: none.
    /// </summary>
    public float* FloatOutput;
    public nint FloatGroupStride;
    public nint FloatRowStride;
    public nint FloatPixelStride;

    /// <summary>A float map laid out as <see cref="FloatOutput"/> (it may be the output itself) added to it, or null.</summary>
    public float* FloatResidual;

    /// <summary><c>x_scale · w_scale[o]</c> per output channel, padded as <see cref="Multipliers"/> (with <see cref="FloatOutput"/> only).</summary>
    public float* FloatMultipliers;

    /// <summary>The u8 output, or null when only <see cref="FloatOutput"/> is wanted.</summary>
    public byte* Output;
    public nint OutRowStride;
    public nint OutPixelStride;
}

namespace HourglassSimd.Kernels.Int16;

/// <summary>
/// A quantized KxK convolution over channel-last (NHWC) symmetric int16 activations, for <see cref="Int16DirectConv"/>.
/// Output pixel (y, x) reads the K x K input pixels from (y · Stride, x · Stride) on, so <see cref="Input"/> points at
/// the top-left of the padded input: a padded convolution's input carries its halo, filled with 0 (the zero point of a
/// symmetric quantization, so no compensation term is needed). Input pixel (r, c) holds its channels at
/// <c>Input + r · InRowStride + c · InPixelStride</c> (in int16 elements), padded to a multiple of 2 (one 32-bit lane
/// of two s16 values is what one <c>vpmaddwd</c> / <c>vpdpwssd</c> step consumes); output pixel (y, x) gets
/// <see cref="OutChannelsPadded"/> values at <c>Output + y · OutRowStride + x · OutPixelStride</c>. Every activation,
/// input and residual, lies in [−<see cref="Quantization.Int16Requantization.MaxActivation"/>,
/// <see cref="Quantization.Int16Requantization.MaxActivation"/>] and the weights within
/// <see cref="Int16DirectConv.MaxWeightFor"/>, so the int32 accumulators cannot overflow; the kernel does not check it.
/// </summary>
internal unsafe struct Int16ConvArgs
{
    public short* Input;
    public nint InRowStride;
    public nint InPixelStride;

    public int OutHeight;
    public int OutWidth;

    /// <summary>Kernel side K (1, 3 or 7).</summary>
    public int KernelSize;

    /// <summary>Stride in both directions.</summary>
    public int Stride;

    /// <summary>Input channels rounded up to a multiple of 2.</summary>
    public int InChannelsPadded;

    /// <summary>Weights packed by <see cref="Int16DirectConv.PackWeights"/>: [K · K][InChannelsPadded / 2][OutChannelsPadded][2].</summary>
    public short* Weights;

    /// <summary>Output channels rounded up to a multiple of 16.</summary>
    public int OutChannelsPadded;

    /// <summary>The int32 bias per output channel (0 for padding), within ±<see cref="Int16DirectConv.MaxStartValue"/>.</summary>
    public int* StartValues;

    /// <summary>Requantization multiplier per output channel (any finite value for padding).</summary>
    public float* Multipliers;

    /// <summary>
    /// An s16 map added before the rounding (a residual module's shortcut), laid out as the output (same strides; it may
    /// be the output itself), or null. Its values enter as <c>r · ResidualMultiplier</c>
    /// (<see cref="Quantization.Int16Requantization.ToInt16(int, float, bool, short, float)"/>).
    /// </summary>
    public short* Residual;

    /// <summary>The residual's scale over the output's.</summary>
    public float ResidualMultiplier;

    /// <summary>Fused ReLU: the s16 output's floor is 0 instead of −MaxActivation.</summary>
    public bool Relu;

    /// <summary>
    /// Also (or instead: <see cref="Output"/> may be null) the accumulators dequantized to float,
    /// <c>(float)acc × FloatMultipliers[o]</c> plus <see cref="FloatResidual"/> if any (no rounding, no ReLU). Output
    /// channel o of pixel (y, x) goes to <c>FloatOutput + (o / 16) · FloatGroupStride + y · FloatRowStride + x ·
    /// FloatPixelStride + o % 16</c> (channel-blocked NCHW16c, or channel-last with a group stride of 16). Null: none.
    /// </summary>
    public float* FloatOutput;
    public nint FloatGroupStride;
    public nint FloatRowStride;
    public nint FloatPixelStride;

    /// <summary>A float map laid out as <see cref="FloatOutput"/> (it may be the output itself) added to it, or null.</summary>
    public float* FloatResidual;

    /// <summary><c>x_scale · w_scale[o]</c> per output channel, padded as <see cref="Multipliers"/> (with <see cref="FloatOutput"/> only).</summary>
    public float* FloatMultipliers;

    /// <summary>The s16 output, or null when only <see cref="FloatOutput"/> is wanted.</summary>
    public short* Output;
    public nint OutRowStride;
    public nint OutPixelStride;
}

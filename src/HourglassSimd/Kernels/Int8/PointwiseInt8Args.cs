namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// A quantized 1x1 convolution over a channel-last (NHWC) uint8 activation, for <see cref="PointwiseInt8Conv"/>.
/// Input pixel p holds its channels at <c>Input + p · InPixelStride</c>, padded with zeros to a multiple of 4 (one
/// 32-bit lane of four u8 values is what one dot-product step consumes). Output pixel p gets
/// <see cref="OutChannelsPadded"/> bytes at <c>Output + p · OutPixelStride</c>; padded channels get the output zero
/// point.
/// </summary>
internal unsafe struct PointwiseInt8Args
{
    public byte* Input;
    public nint InPixelStride;
    public int Pixels;

    /// <summary>Input channels rounded up to a multiple of 4.</summary>
    public int InChannelsPadded;

    /// <summary>Weights packed by <see cref="PointwiseInt8Conv.PackWeights"/>: [InChannelsPadded / 4][OutChannelsPadded][4].</summary>
    public sbyte* Weights;

    /// <summary>Output channels rounded up to a multiple of 16.</summary>
    public int OutChannelsPadded;

    /// <summary><see cref="Quantization.Requantization.StartValue"/> per output channel (0 for padding).</summary>
    public int* StartValues;

    /// <summary>Requantization multiplier per output channel (any finite value for padding).</summary>
    public float* Multipliers;

    public int OutputZeroPoint;
    public bool Relu;
    public byte* Output;
    public nint OutPixelStride;
}

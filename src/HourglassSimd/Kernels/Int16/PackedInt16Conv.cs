using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels.Int16;

/// <summary>
/// One convolution of an int16 plan, prepared once for <see cref="Int16DirectConv"/> between a given input and output
/// quantization (both symmetric, zero point 0): weights packed (<see cref="Int16DirectConv.PackWeights"/>), the
/// quantized bias as start values, requantization and dequantization multipliers padded to the output channel
/// groups, in aligned memory.
/// </summary>
internal sealed unsafe class PackedInt16Conv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _startValues;
    private readonly AlignedBuffer _multipliers;
    private readonly AlignedBuffer _floatMultipliers;

    /// <summary>Bytes of the packed weights, start values and multipliers one image reads.</summary>
    public long Bytes => (_weights.Length + _startValues.Length + _multipliers.Length + _floatMultipliers.Length) * sizeof(float);

    /// <exception cref="ArgumentException">
    /// Weights beyond the convolution's bound (<see cref="Int16DirectConv.MaxWeightFor"/>), or a bias that does not fit
    /// <see cref="Int16DirectConv.MaxStartValue"/>: the int32 sums could overflow.
    /// </exception>
    public PackedInt16Conv(QuantizedWeight weight, ReadOnlySpan<float> bias, int inChannels, int kernelSize, int stride, int pad,
        ActivationQuantization input, ActivationQuantization output, bool relu)
    {
        OutChannels = weight.Scales.Length;
        (InChannels, KernelSize, Stride, Pad, Input, Output, Relu) = (inChannels, kernelSize, stride, pad, input, output, relu);
        if (input.ZeroPoint != 0 || output.ZeroPoint != 0)
            throw new ArgumentException("int16 activations are symmetric: zero points must be 0.");
        int bound = Int16DirectConv.MaxWeightFor(inChannels * kernelSize * kernelSize);
        if (weight.Values.Any(v => v < -bound || v > bound))
            throw new ArgumentException($"A weight exceeds ±{bound}, the bound of a convolution with {inChannels * kernelSize * kernelSize} products per output.");
        var (biasQ, multipliers, floatMultipliers) = QuantizedConvWeights.QuantizeBias(bias, weight.Scales, input, output, Int16DirectConv.MaxStartValue);
        short[] packed = Int16DirectConv.PackWeights(weight.Values, OutChannels, inChannels, kernelSize);
        int outPadded = Int16DirectConv.PaddedOutChannels(OutChannels);
        _weights = new AlignedBuffer((packed.Length + 1) / 2);
        packed.CopyTo(new Span<short>(_weights.Pointer, packed.Length));
        _startValues = new AlignedBuffer(outPadded);
        _multipliers = new AlignedBuffer(outPadded);
        _floatMultipliers = new AlignedBuffer(outPadded);
        for (int o = 0; o < OutChannels; o++)
        {
            ((int*)_startValues.Pointer)[o] = biasQ[o];
            _multipliers.Pointer[o] = multipliers[o];
            _floatMultipliers.Pointer[o] = floatMultipliers[o];
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Pad { get; }
    public bool Relu { get; }
    public ActivationQuantization Input { get; }
    public ActivationQuantization Output { get; }

    /// <summary>
    /// Arguments for one image, as <see cref="Int8.PackedInt8Conv.Bind"/>: <paramref name="input"/> with a halo of at
    /// least <see cref="Pad"/> pixels of zeros; an s16 output at <paramref name="output"/>, or a float one (NCHW16c) at
    /// <paramref name="floatOutput"/> with <paramref name="floatResidual"/> (which may alias it) added.
    /// </summary>
    public Int16ConvArgs Bind(short* input, QuantizedLayout inLayout, short* output, QuantizedLayout outLayout,
        float* floatOutput, ActivationLayout floatLayout, float* floatResidual)
    {
        if (inLayout.Halo < Pad)
            throw new InvalidOperationException($"A padded int16 convolution needs an input halo of {Pad} pixels, not {inLayout.Halo}.");
        if (floatOutput != null && floatLayout.Pack != Int16DirectConv.GroupChannels)
            throw new InvalidOperationException("An int16 convolution's float output must be channel-blocked by 16 (NCHW16c).");
        var args = new Int16ConvArgs
        {
            Input = input + inLayout.Origin - (Pad * inLayout.RowStride + Pad * inLayout.PixelStride),
            InRowStride = inLayout.RowStride,
            InPixelStride = inLayout.PixelStride,
            OutHeight = outLayout.Height,
            OutWidth = outLayout.Width,
            KernelSize = KernelSize,
            Stride = Stride,
            InChannelsPadded = Int16DirectConv.PaddedInChannels(InChannels),
            Weights = (short*)_weights.Pointer,
            OutChannelsPadded = Int16DirectConv.PaddedOutChannels(OutChannels),
            StartValues = (int*)_startValues.Pointer,
            Multipliers = _multipliers.Pointer,
            Relu = Relu,
            FloatOutput = floatOutput == null ? null : floatOutput + floatLayout.Origin,
            FloatGroupStride = floatLayout.GroupStride,
            FloatRowStride = floatLayout.RowStride,
            FloatPixelStride = floatLayout.Pack,
            FloatResidual = floatResidual == null ? null : floatResidual + floatLayout.Origin,
            FloatMultipliers = _floatMultipliers.Pointer,
            Output = output == null ? null : output + outLayout.Origin,
            OutRowStride = outLayout.RowStride,
            OutPixelStride = outLayout.PixelStride,
        };
        // A 1x1 stride-1 layer over maps without halos is one row of all their pixels: fewer partial tiles.
        if (KernelSize == 1 && Stride == 1 && inLayout.Halo == 0 && outLayout.Halo == 0 && (floatOutput == null || floatLayout.Halo == 0))
        {
            args.OutWidth = outLayout.Height * outLayout.Width;
            args.OutHeight = 1;
        }
        return args;
    }
}

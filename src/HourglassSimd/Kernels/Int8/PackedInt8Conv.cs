using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// One convolution of a quantized plan, prepared once for <see cref="Int8DirectConv"/> between a given input and output
/// quantization: weights packed (<see cref="Int8DirectConv.PackWeights"/>), start values, requantization and
/// dequantization multipliers padded to the output channel groups, in aligned memory.
/// </summary>
internal sealed unsafe class PackedInt8Conv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _startValues;
    private readonly AlignedBuffer _multipliers;
    private readonly AlignedBuffer _floatMultipliers;

    /// <summary>Bytes of the packed weights, start values and multipliers one image reads.</summary>
    public long Bytes => (_weights.Length + _startValues.Length + _multipliers.Length + _floatMultipliers.Length) * sizeof(float);

    public PackedInt8Conv(QuantizedConvWeights conv, int inChannels, int kernelSize, int stride, int pad,
        ActivationQuantization input, ActivationQuantization output, bool relu)
    {
        (InChannels, OutChannels, KernelSize, Stride, Pad, Input, Output, Relu) =
            (inChannels, conv.OutChannels, kernelSize, stride, pad, input, output, relu);
        int outPadded = Int8DirectConv.PaddedOutChannels(OutChannels);
        sbyte[] packed = Int8DirectConv.PackWeights(conv.Weights, OutChannels, inChannels, kernelSize);
        _weights = new AlignedBuffer((packed.Length + 3) / 4);
        packed.CopyTo(new Span<sbyte>(_weights.Pointer, packed.Length));
        _startValues = new AlignedBuffer(outPadded);
        _multipliers = new AlignedBuffer(outPadded);
        _floatMultipliers = new AlignedBuffer(outPadded);
        int perChannel = inChannels * kernelSize * kernelSize;
        for (int o = 0; o < OutChannels; o++)
        {
            ((int*)_startValues.Pointer)[o] = Requantization.StartValue(conv.BiasQ[o], conv.Weights.AsSpan(o * perChannel, perChannel), input.ZeroPoint);
            _multipliers.Pointer[o] = conv.Multipliers[o];
            _floatMultipliers.Pointer[o] = conv.FloatMultipliers[o];
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Pad { get; }
    public bool Relu { get; }

    /// <summary>The quantization of the input this packing was made for (its zero point is in the start values).</summary>
    public ActivationQuantization Input { get; }

    public ActivationQuantization Output { get; }

    /// <summary>
    /// Arguments for one image. <paramref name="input"/> points at the input buffer (halo included, at least
    /// <see cref="Pad"/> pixels). The output is u8 at <paramref name="output"/> (with <paramref name="residual"/>, which
    /// may alias it, added in its quantization), or float (NCHW16c) at <paramref name="floatOutput"/> with
    /// <paramref name="floatResidual"/> (which may alias it) added; <paramref name="outLayout"/> gives the output's size
    /// either way (and the u8 strides).
    /// </summary>
    public Int8ConvArgs Bind(byte* input, QuantizedLayout inLayout, byte* output, QuantizedLayout outLayout,
        byte* residual, ActivationQuantization residualQuantization, float* floatOutput, ActivationLayout floatLayout, float* floatResidual)
    {
        if (inLayout.Halo < Pad)
            throw new InvalidOperationException($"A padded int8 convolution needs an input halo of {Pad} pixels, not {inLayout.Halo}.");
        if (floatOutput != null && floatLayout.Pack != Int8DirectConv.GroupChannels)
            throw new InvalidOperationException("An int8 convolution's float output must be channel-blocked by 16 (NCHW16c).");
        var args = new Int8ConvArgs
        {
            Input = input + inLayout.Origin - (Pad * inLayout.RowStride + Pad * inLayout.PixelStride),
            InRowStride = inLayout.RowStride,
            InPixelStride = inLayout.PixelStride,
            OutHeight = outLayout.Height,
            OutWidth = outLayout.Width,
            KernelSize = KernelSize,
            Stride = Stride,
            InChannelsPadded = Int8DirectConv.PaddedInChannels(InChannels),
            Weights = (sbyte*)_weights.Pointer,
            OutChannelsPadded = Int8DirectConv.PaddedOutChannels(OutChannels),
            StartValues = (int*)_startValues.Pointer,
            Multipliers = _multipliers.Pointer,
            OutputZeroPoint = Output.ZeroPoint,
            Residual = residual == null ? null : residual + outLayout.Origin,
            ResidualZeroPoint = residualQuantization.ZeroPoint,
            ResidualMultiplier = residualQuantization.Scale / Output.Scale,
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

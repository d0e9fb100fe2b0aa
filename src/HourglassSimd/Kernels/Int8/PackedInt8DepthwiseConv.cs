using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// A depthwise 3x3 convolution of an int8 model, prepared once for <see cref="Int8DepthwiseConv3x3"/> between a given
/// input and output quantization: weights widened to int32 as [group][tap][16], start values and requantization
/// multipliers padded to 16 channels, in aligned memory.
/// </summary>
internal sealed unsafe class PackedInt8DepthwiseConv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _startValues;
    private readonly AlignedBuffer _multipliers;

    /// <summary>Bytes of the packed weights, start values and multipliers one image reads.</summary>
    public long Bytes => (_weights.Length + _startValues.Length + _multipliers.Length) * sizeof(float);

    /// <param name="conv">The quantized weights [channels][1][3][3], bias and multipliers.</param>
    /// <param name="input">The input's quantization (its zero point goes into the start values).</param>
    /// <param name="output">The output's quantization.</param>
    /// <param name="relu">Whether the output is clamped at its zero point.</param>
    public PackedInt8DepthwiseConv(QuantizedConvWeights conv, ActivationQuantization input, ActivationQuantization output, bool relu)
    {
        if (conv.Weights.Length != conv.OutChannels * 9)
            throw new ArgumentException(
                $"A depthwise 3x3 convolution of {conv.OutChannels} channels has {conv.OutChannels * 9} weights, not {conv.Weights.Length}.", nameof(conv));
        (Channels, Output, Relu) = (conv.OutChannels, output, relu);
        int padded = QuantizedLayout.PaddedChannels(Channels);
        _weights = new AlignedBuffer(padded * 9);
        _startValues = new AlignedBuffer(padded);
        _multipliers = new AlignedBuffer(padded);
        int* weights = (int*)_weights.Pointer;
        for (int c = 0; c < Channels; c++)
        {
            for (int tap = 0; tap < 9; tap++)
                weights[(c / 16 * 9 + tap) * 16 + c % 16] = conv.Weights[c * 9 + tap];
            ((int*)_startValues.Pointer)[c] = Requantization.StartValue(conv.BiasQ[c], conv.Weights.AsSpan(c * 9, 9), input.ZeroPoint);
            _multipliers.Pointer[c] = conv.Multipliers[c];
        }
    }

    public int Channels { get; }

    public ActivationQuantization Output { get; }

    public bool Relu { get; }

    /// <summary>
    /// Arguments for one image: <paramref name="input"/> and <paramref name="output"/> point at their buffers (halo
    /// included; the input's at least 1 pixel).
    /// </summary>
    public Int8DepthwiseArgs Bind(byte* input, QuantizedLayout inLayout, byte* output, QuantizedLayout outLayout)
    {
        if (inLayout.Halo < 1)
            throw new InvalidOperationException($"A depthwise 3x3 convolution needs an input halo of 1 pixel, not {inLayout.Halo}.");
        if (inLayout.Channels != Channels || outLayout.Channels != Channels || inLayout.Height != outLayout.Height || inLayout.Width != outLayout.Width)
            throw new InvalidOperationException($"A depthwise convolution of {Channels} channels maps a map to one of the same shape.");
        return new Int8DepthwiseArgs
        {
            Input = input + inLayout.Origin - (inLayout.RowStride + inLayout.PixelStride),
            InRowStride = inLayout.RowStride,
            PixelStride = inLayout.PixelStride,
            Output = output + outLayout.Origin,
            OutRowStride = outLayout.RowStride,
            OutPixelStride = outLayout.PixelStride,
            Height = outLayout.Height,
            Width = outLayout.Width,
            Groups = (int)(inLayout.PixelStride / 16),
            Weights = (int*)_weights.Pointer,
            StartValues = (int*)_startValues.Pointer,
            Multipliers = _multipliers.Pointer,
            OutputZeroPoint = Output.ZeroPoint,
            Relu = Relu,
        };
    }
}

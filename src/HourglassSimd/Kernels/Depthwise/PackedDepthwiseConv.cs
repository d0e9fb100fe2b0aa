using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels;

/// <summary>
/// A 3x3 stride-1 pad-1 depthwise convolution's weights and bias packed once for <see cref="DepthwiseConv3x3"/>
/// ([group][tap][16], zero lanes past the channel count), and the binding of activation buffers to its arguments.
/// </summary>
internal sealed unsafe class PackedDepthwiseConv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _bias;

    /// <summary>Bytes of the packed weights and bias one image reads.</summary>
    public long Bytes => (_weights.Length + _bias.Length) * sizeof(float);

    /// <param name="weights">[channel][3][3], PyTorch's layout of a depthwise <c>Conv2d</c> (groups = channels) without the 1.</param>
    /// <param name="bias">One per channel.</param>
    /// <param name="channels">Input and output channels.</param>
    /// <param name="relu">Whether a ReLU follows (after the residual, if any).</param>
    public PackedDepthwiseConv(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int channels, bool relu)
    {
        if (channels < 1)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "A depthwise convolution needs at least one channel.");
        if (weights.Length != channels * 9 || bias.Length != channels)
            throw new ArgumentException($"Expected {channels * 9} weights and {channels} biases, got {weights.Length} and {bias.Length}.");
        Channels = channels;
        Relu = relu;
        Groups = (channels + 15) / 16;
        _weights = new AlignedBuffer(Groups * 9 * 16);
        _bias = new AlignedBuffer(Groups * 16);
        Span<float> packed = _weights.Span;
        for (int c = 0; c < channels; c++)
        {
            for (int k = 0; k < 9; k++)
                packed[((c >> 4) * 9 + k) * 16 + (c & 15)] = weights[c * 9 + k];
            _bias.Span[c] = bias[c];
        }
    }

    public int Channels { get; }
    public int Groups { get; }
    public bool Relu { get; }

    /// <summary>Arguments for one image: 16c input with a halo of at least 1, 16c output and residual of one layout.</summary>
    public DepthwiseConvArgs Bind(float* input, in ActivationLayout inLayout, float* output, in ActivationLayout outLayout,
        float* residual = null)
    {
        if (inLayout.Pack != 16 || outLayout.Pack != 16)
            throw new ArgumentException("A depthwise convolution runs on 16-channel-packed activations.");
        if (inLayout.Halo < 1)
            throw new ArgumentException($"The input halo ({inLayout.Halo}) is narrower than the padding (1).");
        if (inLayout.Channels != Channels || outLayout.Channels != Channels || inLayout.Height != outLayout.Height || inLayout.Width != outLayout.Width)
            throw new ArgumentException($"A depthwise 3x3 maps {Channels} channels to as many at the same size; got {inLayout} and {outLayout}.");
        int skip = inLayout.Halo - 1;
        return new DepthwiseConvArgs
        {
            Input = input + skip * inLayout.RowStride + skip * 16,
            InGroupStride = inLayout.GroupStride,
            InRowStride = inLayout.RowStride,
            Output = output + outLayout.Origin,
            OutGroupStride = outLayout.GroupStride,
            OutRowStride = outLayout.RowStride,
            Height = outLayout.Height,
            Width = outLayout.Width,
            Groups = Groups,
            Residual = residual == null ? null : residual + outLayout.Origin,
            Weights = _weights.Pointer,
            Bias = _bias.Pointer,
            Relu = Relu,
        };
    }
}

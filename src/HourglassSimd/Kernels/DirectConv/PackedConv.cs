using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels;

/// <summary>The folded parameters of one convolution: OIHW weights and bias, batch norm already applied.</summary>
internal sealed record ConvParameters(float[] Weights, float[] Bias, int OutChannels, int InChannels, int KernelSize, int Stride, int Pad)
{
    public int OutSize(int inSize) => (inSize + 2 * Pad - KernelSize) / Stride + 1;

    /// <summary>The same convolution without its weight array: what a layer keeps once the weights are packed.</summary>
    public ConvParameters ShapeOnly() => this with { Weights = [] };
}

/// <summary>
/// A convolution prepared for <see cref="DirectConv"/>: weights packed once as <c>[ky][kx][i][o]</c> with o padded
/// to a multiple of 16 and cut into blocks of 64 output channels (<see cref="WeightBlocks"/>), bias and prologue
/// padded likewise, 64-byte aligned.
/// </summary>
internal sealed unsafe class PackedConv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _bias;

    /// <summary>Bytes of the packed weights and bias one image reads.</summary>
    public long Bytes => (_weights.Length + _bias.Length) * sizeof(float);
    private readonly AlignedBuffer? _prologueScale;
    private readonly AlignedBuffer? _prologueShift;

    public PackedConv(ConvParameters conv, (float[] Scale, float[] Shift)? prologue, bool relu)
    {
        Conv = conv.ShapeOnly();
        Relu = relu;
        OutChannelsPadded = RoundUp16(conv.OutChannels);
        int k = conv.KernelSize;
        _weights = new AlignedBuffer((nint)conv.InChannels * k * k * OutChannelsPadded);
        var packed = _weights.Span;
        for (int o = 0; o < conv.OutChannels; o++)
        for (int i = 0; i < conv.InChannels; i++)
        for (int t = 0; t < k * k; t++)
            packed[WeightBlocks.Index(t * conv.InChannels + i, o, k * k * conv.InChannels, OutChannelsPadded)] = conv.Weights[(o * conv.InChannels + i) * k * k + t];
        _bias = Padded(conv.Bias, OutChannelsPadded);
        if (prologue is { } p)
        {
            if (k != 1 || conv.Stride != 1)
                throw new ArgumentException("A fused prologue needs a 1x1 stride-1 convolution.");
            _prologueScale = Padded(p.Scale, RoundUp16(conv.InChannels));
            _prologueShift = Padded(p.Shift, RoundUp16(conv.InChannels));
        }
    }

    /// <summary>The convolution's shape (its weights live only in packed form).</summary>
    public ConvParameters Conv { get; }

    public bool Relu { get; }

    public int OutChannelsPadded { get; }

    /// <summary>
    /// Arguments for one image. The input layout's halo must be at least the padding; the output (and the residual,
    /// which may alias it) are channel-packed by 16.
    /// </summary>
    public ConvArgs Bind(float* input, ActivationLayout inLayout, float* output, ActivationLayout outLayout, float* residual, ActivationLayout residualLayout)
    {
        if (inLayout.Halo < Conv.Pad)
            throw new ArgumentException($"The input halo ({inLayout.Halo}) is narrower than the padding ({Conv.Pad}).");
        if (outLayout.Pack != 16 || (residual != null && residualLayout != outLayout))
            throw new ArgumentException("Output and residual must share one 16-channel-packed layout.");
        if (_prologueScale is not null && inLayout.Pack != 16)
            throw new ArgumentException("A fused prologue needs 16-channel-packed input.");
        // A 1x1 stride-1 convolution between halo-free tensors sees each channel plane as one long row.
        bool flatten = Conv.KernelSize == 1 && Conv.Stride == 1 && inLayout.Halo == 0 && outLayout.Halo == 0;
        int skip = inLayout.Halo - Conv.Pad;
        return new ConvArgs
        {
            Input = input + skip * inLayout.RowStride + skip * inLayout.Pack,
            InChannels = Conv.InChannels,
            InPack = inLayout.Pack,
            InGroupStride = inLayout.GroupStride,
            InRowStride = inLayout.RowStride,
            Output = output + outLayout.Origin,
            OutGroupStride = outLayout.GroupStride,
            OutRowStride = outLayout.RowStride,
            OutHeight = flatten ? 1 : outLayout.Height,
            OutWidth = flatten ? outLayout.Height * outLayout.Width : outLayout.Width,
            OutChannelsPadded = OutChannelsPadded,
            Residual = residual == null ? null : residual + residualLayout.Origin,
            Weights = _weights.Pointer,
            Bias = _bias.Pointer,
            KernelHeight = Conv.KernelSize,
            KernelWidth = Conv.KernelSize,
            Stride = Conv.Stride,
            PrologueScale = _prologueScale is null ? null : _prologueScale.Pointer,
            PrologueShift = _prologueShift is null ? null : _prologueShift.Pointer,
            Relu = Relu,
            MaySharePrologue = DirectConv.UseSharedPrologue,
        };
    }

    private static int RoundUp16(int n) => (n + 15) / 16 * 16;

    private static AlignedBuffer Padded(float[] values, int length)
    {
        var buffer = new AlignedBuffer(length);
        values.CopyTo(buffer.Span);
        return buffer;
    }
}

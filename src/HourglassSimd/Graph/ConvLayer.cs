using System.Runtime.Intrinsics;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>The folded parameters of one convolution: OIHW weights and bias, batch norm already applied.</summary>
internal sealed record ConvParameters(float[] Weights, float[] Bias, int OutChannels, int InChannels, int KernelSize, int Stride, int Pad);

/// <summary>
/// A convolution with its fused prologue (pre-activation BN + ReLU on the input), residual add and ReLU.
/// On the SIMD paths the weights are packed once here, as <c>[i][ky][kx][o16]</c> (see <see cref="ConvArgs"/>).
/// </summary>
internal sealed unsafe class ConvLayer : Layer
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly Value? _residual;
    private readonly ConvParameters _conv;
    private readonly float[]? _prologueScale;
    private readonly float[]? _prologueShift;
    private readonly bool _relu;
    private readonly KernelIsa _isa;
    private readonly int _outChannelsPadded;
    private readonly AlignedBuffer? _packedWeights;
    private readonly AlignedBuffer? _packedBias;
    private readonly AlignedBuffer? _packedScale;
    private readonly AlignedBuffer? _packedShift;

    public ConvLayer(Value input, Value output, Value? residual, ConvParameters conv, (float[] Scale, float[] Shift)? prologue, bool relu, KernelIsa isa)
    {
        if (prologue is not null && (conv.KernelSize != 1 || conv.Stride != 1 || input.Plain))
            throw new ArgumentException("A fused prologue needs a 1x1 stride-1 convolution over channel-packed input.");
        _input = input;
        _output = output;
        _residual = residual;
        _conv = conv;
        _prologueScale = prologue?.Scale;
        _prologueShift = prologue?.Shift;
        _relu = relu;
        _isa = isa;
        _outChannelsPadded = (conv.OutChannels + 15) / 16 * 16;
        if (isa != KernelIsa.Scalar)
        {
            _packedWeights = PackWeights(conv, _outChannelsPadded);
            _packedBias = Padded(conv.Bias, _outChannelsPadded);
            if (prologue is { } p)
            {
                int inPadded = (conv.InChannels + 15) / 16 * 16;
                _packedScale = Padded(p.Scale, inPadded);
                _packedShift = Padded(p.Shift, inPadded);
            }
        }
    }

    public override IEnumerable<Value> Inputs => _residual is null ? [_input] : [_input, _residual];

    public override Value Output => _output;

    public override long MacCount =>
        (long)_conv.OutChannels * _conv.InChannels * _conv.KernelSize * _conv.KernelSize * _output.Height * _output.Width;

    /// <summary>Re-lays OIHW weights as [i][ky][kx][o] with o padded to <paramref name="outChannelsPadded"/> (zeros).</summary>
    internal static AlignedBuffer PackWeights(ConvParameters conv, int outChannelsPadded)
    {
        int k = conv.KernelSize;
        var packed = new AlignedBuffer((nint)conv.InChannels * k * k * outChannelsPadded);
        var span = packed.Span;
        for (int o = 0; o < conv.OutChannels; o++)
        for (int i = 0; i < conv.InChannels; i++)
        for (int t = 0; t < k * k; t++)
            span[(i * k * k + t) * outChannelsPadded + o] = conv.Weights[(o * conv.InChannels + i) * k * k + t];
        return packed;
    }

    private static AlignedBuffer Padded(float[] values, int length)
    {
        var buffer = new AlignedBuffer(length);
        values.CopyTo(buffer.Span);
        return buffer;
    }

    public override void Run(RunContext context)
    {
        if (_output.Root == _output && _output.Layout.Halo > 0)
            _output.Layout.ZeroHalo(context.Pointer(_output));
        int items = _isa switch
        {
            KernelIsa.Vector512 => DirectConv.ItemCount<Vector512<float>>(Arguments(context)),
            KernelIsa.Vector256 => DirectConv.ItemCount<Vector256<float>>(Arguments(context)),
            _ => _conv.OutChannels,
        };
        context.Parallel(this, items);
    }

    public override void RunItem(RunContext context, int item)
    {
        switch (_isa)
        {
            case KernelIsa.Vector512: DirectConv.RunItem<Vector512<float>>(Arguments(context), item); break;
            case KernelIsa.Vector256: DirectConv.RunItem<Vector256<float>>(Arguments(context), item); break;
            default: RunReference(context, item); break;
        }
    }

    private ConvArgs Arguments(RunContext context)
    {
        var inLayout = _input.Layout;
        var outLayout = _output.Layout;
        // A 1x1 stride-1 convolution between halo-free tensors sees each channel plane as one long row.
        bool flatten = _conv.KernelSize == 1 && _conv.Stride == 1 && inLayout.Halo == 0 && outLayout.Halo == 0;
        int skip = inLayout.Halo - _conv.Pad;
        return new ConvArgs
        {
            Input = context.Pointer(_input) + skip * inLayout.RowStride + skip * inLayout.Pack,
            InChannels = _conv.InChannels,
            InPack = inLayout.Pack,
            InGroupStride = inLayout.GroupStride,
            InRowStride = inLayout.RowStride,
            Output = context.Pointer(_output) + outLayout.Origin,
            OutGroupStride = outLayout.GroupStride,
            OutRowStride = outLayout.RowStride,
            OutHeight = flatten ? 1 : _output.Height,
            OutWidth = flatten ? _output.Height * _output.Width : _output.Width,
            OutChannelsPadded = _outChannelsPadded,
            Residual = _residual is null ? null : context.Pointer(_residual) + _residual.Layout.Origin,
            Weights = _packedWeights!.Pointer,
            Bias = _packedBias!.Pointer,
            KernelHeight = _conv.KernelSize,
            KernelWidth = _conv.KernelSize,
            Stride = _conv.Stride,
            PrologueScale = _packedScale is null ? null : _packedScale.Pointer,
            PrologueShift = _packedShift is null ? null : _packedShift.Pointer,
            Relu = _relu,
        };
    }

    private void RunReference(RunContext context, int outChannel)
    {
        var input = new ReadOnlySpan<float>(context.Pointer(_input), (int)_input.Layout.Size);
        var output = new Span<float>(context.Pointer(_output), (int)_output.Layout.Size);
        var residual = _residual is null ? default : new ReadOnlySpan<float>(context.Pointer(_residual), (int)_residual.Layout.Size);
        ReferenceKernels.Conv2d(input, _conv.InChannels, _input.Height, _input.Width, _conv.Weights, _conv.Bias, _conv.OutChannels,
            _conv.KernelSize, _conv.KernelSize, _conv.Stride, _conv.Pad, output, _prologueScale, _prologueShift, residual, _relu,
            outChannel, outChannel + 1);
    }
}

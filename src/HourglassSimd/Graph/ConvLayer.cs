using System.Runtime.Intrinsics;
using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A convolution with its fused prologue (pre-activation BN + ReLU on the input), residual add and ReLU:
/// <see cref="DirectConv"/> on the SIMD paths, <see cref="ReferenceKernels.Conv2d"/> on the scalar path.
/// </summary>
internal sealed unsafe class ConvLayer : Layer
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly Value? _residual;
    private readonly ConvParameters _conv;
    private readonly (float[] Scale, float[] Shift)? _prologue;
    private readonly bool _relu;
    private readonly KernelIsa _isa;
    private readonly PackedConv? _packed;

    public ConvLayer(Value input, Value output, Value? residual, ConvParameters conv, PackedConv? packed,
        (float[] Scale, float[] Shift)? prologue, bool relu, KernelIsa isa)
    {
        _input = input;
        _output = output;
        _residual = residual;
        // The SIMD paths read only the packed weights (shared by the plans of all input sizes); the scalar path reads the OIHW ones.
        _conv = isa == KernelIsa.Scalar ? conv : conv.ShapeOnly();
        _prologue = prologue;
        _relu = relu;
        _isa = isa;
        if (isa != KernelIsa.Scalar)
            _packed = packed ?? throw new ArgumentNullException(nameof(packed), "The SIMD paths need packed weights.");
    }

    public override IEnumerable<Value> Inputs => _residual is null ? [_input] : [_input, _residual];

    public override Value Output => _output;

    /// <summary>The value added before the ReLU, or null.</summary>
    public Value? Residual => _residual;

    public override long MacCount =>
        (long)_conv.OutChannels * _conv.InChannels * _conv.KernelSize * _conv.KernelSize * _output.Height * _output.Width;

    public override string Describe()
    {
        string kernel = $"conv{_conv.KernelSize}x{_conv.KernelSize}" + (_conv.Stride > 1 ? $"/{_conv.Stride}" : "");
        return $"{kernel} {_conv.InChannels}->{_conv.OutChannels} @{_output.Height}x{_output.Width}";
    }

    public override void Run(RunContext context)
    {
        if (_output.Root == _output && _output.Layout.Halo > 0)
            _output.Layout.ZeroHalo(context.Pointer(_output));
        int items = _isa switch
        {
            KernelIsa.Vector512 => DirectConv.ItemCount<Vector512<float>>(Bind(context)),
            KernelIsa.Vector256 => DirectConv.ItemCount<Vector256<float>>(Bind(context)),
            _ => _conv.OutChannels,
        };
        context.Parallel(this, items);
    }

    public override void RunItem(RunContext context, int item)
    {
        switch (_isa)
        {
            case KernelIsa.Vector512: DirectConv.RunItem<Vector512<float>>(Bind(context), item); break;
            case KernelIsa.Vector256: DirectConv.RunItem<Vector256<float>>(Bind(context), item); break;
            default: RunReference(context, item); break;
        }
    }

    private ConvArgs Bind(RunContext context) =>
        _packed!.Bind(context.Pointer(_input), _input.Layout, context.Pointer(_output), _output.Layout,
            _residual is null ? null : context.Pointer(_residual), _residual?.Layout ?? default);

    private void RunReference(RunContext context, int outChannel)
    {
        var input = new ReadOnlySpan<float>(context.Pointer(_input), (int)_input.Layout.Size);
        var output = new Span<float>(context.Pointer(_output), (int)_output.Layout.Size);
        var residual = _residual is null ? default : new ReadOnlySpan<float>(context.Pointer(_residual), (int)_residual.Layout.Size);
        ReferenceKernels.Conv2d(input, _conv.InChannels, _input.Height, _input.Width, _conv.Weights, _conv.Bias, _conv.OutChannels,
            _conv.KernelSize, _conv.KernelSize, _conv.Stride, _conv.Pad, output, _prologue?.Scale, _prologue?.Shift, residual, _relu,
            outChannel, outChannel + 1);
    }
}

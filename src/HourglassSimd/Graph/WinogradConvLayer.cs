using System.Runtime.Intrinsics;
using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>A 3x3 stride-1 convolution (+ bias, + ReLU) by Winograd F(4x4, 3x3): three parallel phases per image.</summary>
internal sealed unsafe class WinogradConvLayer : Layer
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly PackedWinogradConv _packed;
    private readonly KernelIsa _isa;

    public WinogradConvLayer(Value input, Value output, PackedWinogradConv packed, KernelIsa isa)
    {
        if (isa is not (KernelIsa.Vector256 or KernelIsa.Vector512))
            throw new ArgumentException("Winograd runs on the SIMD paths only.", nameof(isa));
        _input = input;
        _output = output;
        _packed = packed;
        _isa = isa;
    }

    public override IEnumerable<Value> Inputs => [_input];

    public override Value Output => _output;

    /// <summary>The direct convolution's MACs: GFLOPS figures stay comparable with direct mode ("effective" GFLOPS).</summary>
    public override long MacCount => 9L * _packed.Conv.InChannels * _packed.Conv.OutChannels * _output.Height * _output.Width;

    public override nint ScratchFloats => _packed.ScratchFloats(_output.Height, _output.Width);

    public override string Describe() =>
        $"winograd4x4 {_packed.Conv.InChannels}->{_packed.Conv.OutChannels} @{_output.Height}x{_output.Width}";

    public override void Run(RunContext context)
    {
        var binding = Bind(context);
        for (int phase = 0; phase < PackedWinogradConv.PhaseCount; phase++)
        {
            context.Phase = phase;
            int items = _isa == KernelIsa.Vector512
                ? _packed.ItemCount<Vector512<float>>(binding, phase)
                : _packed.ItemCount<Vector256<float>>(binding, phase);
            context.Parallel(this, items);
        }
    }

    public override void RunItem(RunContext context, int item)
    {
        var binding = Bind(context);
        if (_isa == KernelIsa.Vector512)
            _packed.RunItem<Vector512<float>>(binding, context.Phase, item);
        else
            _packed.RunItem<Vector256<float>>(binding, context.Phase, item);
    }

    private PackedWinogradConv.Binding Bind(RunContext context) =>
        _packed.Bind(context.Pointer(_input), _input.Layout, context.Pointer(_output), _output.Layout, context.Scratch);
}

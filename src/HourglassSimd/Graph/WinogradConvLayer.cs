using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A 3x3 stride-1 convolution (+ bias, + ReLU) by Winograd F(4x4, 3x3) on the <typeparamref name="TV"/> path: three
/// parallel phases per image, or for narrow layers on large maps parallel blocks of all three phases
/// (<see cref="PackedWinogradConv.RunsInBlocks"/>), over arguments bound once per run.
/// </summary>
internal sealed unsafe class WinogradConvLayer<TV>(Value input, Value output, PackedWinogradConv packed) : Layer where TV : unmanaged
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    /// <summary>The direct convolution's MACs: GFLOPS figures stay comparable with direct mode ("effective" GFLOPS).</summary>
    public override long MacCount => 9L * packed.Conv.InChannels * packed.Conv.OutChannels * output.Height * output.Width;

    public override nint ScratchFloats => packed.ScratchFloats(output.Height, output.Width);

    public override long WeightBytes => packed.Bytes;

    public override string Describe() =>
        $"winograd4x4 {packed.Conv.InChannels}->{packed.Conv.OutChannels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        ref var binding = ref context.Binding<PackedWinogradConv.Binding>();
        binding = packed.Bind(context.Pointer(input), input.Layout, context.Pointer(output), output.Layout, context.Scratch);
        if (packed.RunsInBlocks(binding.TilesY))
        {
            context.Phase = BlockPhase;
            context.Parallel(this, binding.TilesY);
            return;
        }
        for (int phase = 0; phase < PackedWinogradConv.PhaseCount; phase++)
        {
            context.Phase = phase;
            context.Parallel(this, packed.ItemCount<TV>(binding, phase));
        }
    }

    /// <summary>The <see cref="RunContext.Phase"/> of the block-by-block schedule.</summary>
    private const int BlockPhase = -1;

    public override void RunItem(RunContext context, int item)
    {
        if (context.Phase == BlockPhase)
            packed.RunBlock<TV>(context.Binding<PackedWinogradConv.Binding>(), item);
        else
            packed.RunItem<TV>(context.Binding<PackedWinogradConv.Binding>(), context.Phase, item);
    }
}

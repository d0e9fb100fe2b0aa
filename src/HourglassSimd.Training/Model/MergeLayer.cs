using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>A plain 1×1 convolution that feeds a stack's features or heatmaps back into the next stack (spec §1.5).</summary>
/// <remarks>Wrapped once more so that its state keys are <c>conv.conv.*</c>, as in the published checkpoints.</remarks>
public sealed class MergeLayer : nn.Module<Tensor, Tensor>
{
    private readonly ConvLayer conv;

    public MergeLayer(long inChannels, long outChannels)
        : base(nameof(MergeLayer))
    {
        conv = new ConvLayer(inChannels, outChannels, 1);
        register_module("conv", conv);
    }

    public override Tensor forward(Tensor input) => conv.forward(input);
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>Convolution with bias and "same" padding, optionally followed by BatchNorm and ReLU.</summary>
/// <remarks>State keys: <c>conv.weight</c>, <c>conv.bias</c> and, with batch norm, <c>bn.*</c> (spec §1.7).</remarks>
public sealed class ConvLayer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d? bn;
    private readonly bool relu;

    public ConvLayer(long inChannels, long outChannels, long kernelSize, long stride = 1, bool batchNorm = false, bool relu = false, long groups = 1)
        : base(nameof(ConvLayer))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: (kernelSize - 1) / 2, groups: groups, bias: true);
        register_module("conv", conv);
        if (batchNorm)
        {
            bn = nn.BatchNorm2d(outChannels);
            register_module("bn", bn);
        }

        this.relu = relu;
    }

    public override Tensor forward(Tensor input)
    {
        Tensor x = conv.forward(input);
        if (bn is not null)
        {
            x = bn.forward(x);
        }

        return relu ? nn.functional.relu(x) : x;
    }
}

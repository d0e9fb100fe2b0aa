using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// Pre-activation bottleneck residual Res(in→out) of spec §1.2 (bottleneck width out/2); with
/// <see cref="ResidualBlock.Depthwise"/> its 3x3 convolution is depthwise (groups = out/2, weight [out/2, 1, 3, 3]).
/// </summary>
/// <remarks>
/// State keys: <c>bn1</c>, <c>conv1.conv</c>, <c>bn2</c>, <c>conv2.conv</c>, <c>bn3</c>, <c>conv3.conv</c> and, only when
/// in ≠ out, <c>skip_layer.conv</c> (spec §1.8: no unused identity shortcuts).
/// </remarks>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn1;
    private readonly ConvLayer conv1;
    private readonly BatchNorm2d bn2;
    private readonly ConvLayer conv2;
    private readonly BatchNorm2d bn3;
    private readonly ConvLayer conv3;
    private readonly ConvLayer? skipLayer;

    /// <param name="inChannels">Module input channels.</param>
    /// <param name="outChannels">Module output channels.</param>
    /// <param name="block">The residual block type.</param>
    /// <param name="innerChannels">Bottleneck width; null for the paper's out/2 (a pruned module is narrower).</param>
    public Residual(long inChannels, long outChannels, ResidualBlock block = ResidualBlock.Bottleneck, long? innerChannels = null)
        : base(nameof(Residual))
    {
        long mid = innerChannels ?? outChannels / 2;
        ArgumentOutOfRangeException.ThrowIfLessThan(mid, 1, nameof(innerChannels));
        bn1 = nn.BatchNorm2d(inChannels);
        conv1 = new ConvLayer(inChannels, mid, 1);
        bn2 = nn.BatchNorm2d(mid);
        conv2 = new ConvLayer(mid, mid, 3, groups: block == ResidualBlock.Depthwise ? mid : 1);
        bn3 = nn.BatchNorm2d(mid);
        conv3 = new ConvLayer(mid, outChannels, 1);
        register_module("bn1", bn1);
        register_module("conv1", conv1);
        register_module("bn2", bn2);
        register_module("conv2", conv2);
        register_module("bn3", bn3);
        register_module("conv3", conv3);
        if (inChannels != outChannels)
        {
            skipLayer = new ConvLayer(inChannels, outChannels, 1);
            register_module("skip_layer", skipLayer);
        }
    }

    public override Tensor forward(Tensor input)
    {
        // The shortcut taps the module input before the first BN/ReLU; no activation after the sum.
        Tensor x = conv1.forward(nn.functional.relu(bn1.forward(input)));
        x = conv2.forward(nn.functional.relu(bn2.forward(x)));
        x = conv3.forward(nn.functional.relu(bn3.forward(x)));
        Tensor shortcut = skipLayer is null ? input : skipLayer.forward(input);
        return x + shortcut;
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>The stacked hourglass network of spec §1 with the <c>lua</c> stem, as TorchSharp modules.</summary>
/// <remarks>
/// The state_dict keys are exactly those of spec §1.8 (<c>pre.*</c>, <c>hgs.i.0.*</c>, <c>features.i.{0,1}.*</c>,
/// <c>outs.i.*</c>, <c>merge_features.i.conv.*</c>, <c>merge_preds.i.conv.*</c>), so a checkpoint written by
/// <c>Module.save</c> is what <c>convert-weights</c> reads. <see cref="forward"/> takes NCHW RGB in [0, 1] and returns
/// every stack's heatmaps as [N, S, J, H/4, W/4].
/// </remarks>
public sealed class PoseNet : nn.Module<Tensor, Tensor>
{
    private const int StemResidualChannels = 128;

    private readonly Sequential pre;
    private readonly ModuleList<Sequential> hgs;
    private readonly ModuleList<Sequential> features;
    private readonly ModuleList<ConvLayer> outs;
    private readonly ModuleList<MergeLayer> mergeFeatures;
    private readonly ModuleList<MergeLayer> mergePreds;

    public PoseNet(PoseNetArchitecture architecture)
        : base(nameof(PoseNet))
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        LibTorchOneDnn.Apply(); // before the first convolution: oneDNN reads channel padding it never wrote
        NativeHeapRetention.Apply(); // before the first tensor: each step then reuses the pages the last one freed
        Architecture = architecture;
        int f = architecture.Features;
        ResidualBlock b = architecture.Block;
        int j = architecture.Joints;
        int s = architecture.Stacks;

        // A residual module by its state-key prefix: the architecture's block, and its width where a pruned network lists one.
        Residual Res(string prefix, long inChannels, long outChannels) =>
            new(inChannels, outChannels, b, architecture.Widths?.Of(prefix, (int)outChannels));

        // pre.2 is the parameterless 2x2 max pool, as in the published checkpoints.
        pre = nn.Sequential(
            ("0", new ConvLayer(3, architecture.StemChannels, 7, stride: 2, batchNorm: true, relu: true)),
            ("1", Res("pre.1", architecture.StemChannels, StemResidualChannels)),
            ("2", nn.MaxPool2d(2, 2)),
            ("3", Res("pre.3", StemResidualChannels, StemResidualChannels)),
            ("4", Res("pre.4", StemResidualChannels, f)));

        hgs = nn.ModuleList(Enumerable.Range(0, s)
            .Select(i => nn.Sequential(("0", new Hourglass(architecture.Depth, $"hgs.{i}.0", prefix => Res(prefix, f, f), architecture.ModulesPerLevel))))
            .ToArray());
        features = nn.ModuleList(Enumerable.Range(0, s)
            .Select(i => nn.Sequential(
                ("0", Res($"features.{i}.0", f, f)),
                ("1", new ConvLayer(f, f, 1, batchNorm: true, relu: true))))
            .ToArray());
        outs = nn.ModuleList(Enumerable.Range(0, s).Select(_ => new ConvLayer(f, j, 1)).ToArray());
        mergeFeatures = nn.ModuleList(Enumerable.Range(0, s - 1).Select(_ => new MergeLayer(f, f)).ToArray());
        mergePreds = nn.ModuleList(Enumerable.Range(0, s - 1).Select(_ => new MergeLayer(j, f)).ToArray());

        register_module("pre", pre);
        register_module("hgs", hgs);
        register_module("features", features);
        register_module("outs", outs);
        register_module("merge_features", mergeFeatures);
        register_module("merge_preds", mergePreds);
    }

    public PoseNetArchitecture Architecture { get; }

    public override Tensor forward(Tensor input)
    {
        Tensor x = pre.forward(input);
        var heatmaps = new Tensor[Architecture.Stacks];
        for (int i = 0; i < heatmaps.Length; i++)
        {
            Tensor feature = features[i].forward(hgs[i].forward(x));
            heatmaps[i] = outs[i].forward(feature);
            if (i < heatmaps.Length - 1)
            {
                x = x + mergePreds[i].forward(heatmaps[i]) + mergeFeatures[i].forward(feature);
            }
        }

        return torch.stack(heatmaps, 1);
    }
}

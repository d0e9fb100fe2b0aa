namespace HourglassSimd;

/// <summary>What a parameter tensor is. Running statistics are state, not learned parameters.</summary>
internal enum WeightKind
{
    ConvWeight,
    ConvBias,
    BatchNormWeight,
    BatchNormBias,
    BatchNormMean,
    BatchNormVariance,
    /// <summary>Folded form of a pre-activation batch norm: γ/√(σ² + ε).</summary>
    PreActivationScale,
    /// <summary>Folded form of a pre-activation batch norm: β − μ·scale.</summary>
    PreActivationShift,
}

/// <summary>One tensor the architecture expects: its checkpoint key, shape and kind.</summary>
internal readonly record struct ExpectedTensor(string Name, int[] Shape, WeightKind Kind)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public bool IsLearned => Kind is not (WeightKind.BatchNormMean or WeightKind.BatchNormVariance);
}

/// <summary>A convolution (<c>Prefix.weight</c> OIHW, <c>Prefix.bias</c>), optionally followed by a batch norm that folds into it.</summary>
internal sealed record ConvBlock(string Prefix, int OutChannels, int InChannels, int Kernel, string? BatchNormAfter);

/// <summary>The batch norm that opens a residual module (acts on the module input, so it cannot fold into a convolution).</summary>
internal sealed record PreActivationBlock(string Prefix, int Channels);

/// <summary>
/// The parameter tensors of an architecture with their checkpoint keys (hourglass-spec §1.8: the reference
/// PyTorch naming without its unused identity shortcuts), in the order the network uses them, in two forms:
/// as trained (every batch norm with γ, β, running mean and variance) and folded for inference (batch norms that
/// follow a convolution folded into it; pre-activation batch norms as <c>scale</c> and <c>shift</c>).
/// </summary>
internal static class WeightLayout
{
    /// <summary>Output channels of the 7x7 stem convolution.</summary>
    public const int StemChannels = 64;

    /// <summary>Width of the stem residual modules before the last one widens to the feature count.</summary>
    public const int StemWidth = 128;

    /// <summary>Tensors as trained (a checkpoint's content).</summary>
    public static IEnumerable<ExpectedTensor> Enumerate(HourglassArchitecture arch) => Blocks(arch).SelectMany(block => block switch
    {
        ConvBlock c => ConvTensors(c).Concat(c.BatchNormAfter is null ? [] : BatchNormTensors(c.BatchNormAfter, c.OutChannels)),
        PreActivationBlock p => BatchNormTensors(p.Prefix, p.Channels),
        _ => throw new InvalidOperationException(),
    });

    /// <summary>Tensors folded for inference (what an <c>.hgw</c> file holds).</summary>
    public static IEnumerable<ExpectedTensor> EnumerateFolded(HourglassArchitecture arch) => Blocks(arch).SelectMany(block => block switch
    {
        ConvBlock c => ConvTensors(c),
        PreActivationBlock p => (IEnumerable<ExpectedTensor>)
        [
            new(p.Prefix + ".scale", [p.Channels], WeightKind.PreActivationScale),
            new(p.Prefix + ".shift", [p.Channels], WeightKind.PreActivationShift),
        ],
        _ => throw new InvalidOperationException(),
    });

    /// <summary>The parameterized layers in execution order.</summary>
    public static IReadOnlyList<object> Blocks(HourglassArchitecture arch)
    {
        int f = arch.Features, j = arch.Joints;
        var list = new List<object> { new ConvBlock("pre.0.conv", StemChannels, arch.InputChannels, 7, "pre.0.bn") };
        Residual(list, "pre.1", StemChannels, StemWidth);
        Residual(list, "pre.3", StemWidth, StemWidth);
        Residual(list, "pre.4", StemWidth, f);
        for (int s = 0; s < arch.Stacks; s++)
        {
            Hourglass(list, $"hgs.{s}.0", HourglassArchitecture.HourglassDepth, f);
            Residual(list, $"features.{s}.0", f, f);
            list.Add(new ConvBlock($"features.{s}.1.conv", f, f, 1, $"features.{s}.1.bn"));
            list.Add(new ConvBlock($"outs.{s}.conv", j, f, 1, null));
            if (s < arch.Stacks - 1)
            {
                list.Add(new ConvBlock($"merge_features.{s}.conv.conv", f, f, 1, null));
                list.Add(new ConvBlock($"merge_preds.{s}.conv.conv", f, j, 1, null));
            }
        }
        return list;
    }

    private static void Hourglass(List<object> list, string prefix, int depth, int f)
    {
        Residual(list, prefix + ".up1", f, f);
        Residual(list, prefix + ".low1", f, f);
        if (depth > 1)
            Hourglass(list, prefix + ".low2", depth - 1, f);
        else
            Residual(list, prefix + ".low2", f, f);
        Residual(list, prefix + ".low3", f, f);
    }

    private static void Residual(List<object> list, string prefix, int inChannels, int outChannels)
    {
        int mid = outChannels / 2;
        list.Add(new PreActivationBlock(prefix + ".bn1", inChannels));
        list.Add(new ConvBlock(prefix + ".conv1.conv", mid, inChannels, 1, prefix + ".bn2"));
        list.Add(new ConvBlock(prefix + ".conv2.conv", mid, mid, 3, prefix + ".bn3"));
        list.Add(new ConvBlock(prefix + ".conv3.conv", outChannels, mid, 1, null));
        if (inChannels != outChannels)
            list.Add(new ConvBlock(prefix + ".skip_layer.conv", outChannels, inChannels, 1, null));
    }

    private static IEnumerable<ExpectedTensor> ConvTensors(ConvBlock c) =>
    [
        new(c.Prefix + ".weight", [c.OutChannels, c.InChannels, c.Kernel, c.Kernel], WeightKind.ConvWeight),
        new(c.Prefix + ".bias", [c.OutChannels], WeightKind.ConvBias),
    ];

    private static IEnumerable<ExpectedTensor> BatchNormTensors(string prefix, int channels) =>
    [
        new(prefix + ".weight", [channels], WeightKind.BatchNormWeight),
        new(prefix + ".bias", [channels], WeightKind.BatchNormBias),
        new(prefix + ".running_mean", [channels], WeightKind.BatchNormMean),
        new(prefix + ".running_var", [channels], WeightKind.BatchNormVariance),
    ];
}

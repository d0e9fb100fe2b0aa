namespace HourglassSimd;

/// <summary>What a parameter tensor is; batch-norm running statistics are state, not learned parameters.</summary>
internal enum WeightKind
{
    ConvWeight,
    ConvBias,
    BatchNormWeight,
    BatchNormBias,
    BatchNormMean,
    BatchNormVariance,
}

/// <summary>One tensor the architecture expects: its checkpoint key, shape and kind.</summary>
internal readonly record struct ExpectedTensor(string Name, int[] Shape, WeightKind Kind)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public bool IsLearned => Kind is not (WeightKind.BatchNormMean or WeightKind.BatchNormVariance);
}

/// <summary>
/// The parameter tensors of an architecture with their checkpoint keys (hourglass-spec §1.8: the reference
/// PyTorch naming without its unused identity shortcuts), in the order the network uses them.
/// </summary>
internal static class WeightLayout
{
    /// <summary>Output channels of the 7x7 stem convolution.</summary>
    public const int StemChannels = 64;

    /// <summary>Width of the stem residual modules before the last one widens to the feature count.</summary>
    public const int StemWidth = 128;

    public static IEnumerable<ExpectedTensor> Enumerate(HourglassArchitecture arch)
    {
        int f = arch.Features, j = arch.Joints;
        var list = new List<ExpectedTensor>();
        Conv(list, "pre.0.conv", StemChannels, arch.InputChannels, 7);
        BatchNorm(list, "pre.0.bn", StemChannels);
        Residual(list, "pre.1", StemChannels, StemWidth);
        Residual(list, "pre.3", StemWidth, StemWidth);
        Residual(list, "pre.4", StemWidth, f);
        for (int s = 0; s < arch.Stacks; s++)
        {
            Hourglass(list, $"hgs.{s}.0", HourglassArchitecture.HourglassDepth, f);
            Residual(list, $"features.{s}.0", f, f);
            Conv(list, $"features.{s}.1.conv", f, f, 1);
            BatchNorm(list, $"features.{s}.1.bn", f);
            Conv(list, $"outs.{s}.conv", j, f, 1);
            if (s < arch.Stacks - 1)
            {
                Conv(list, $"merge_features.{s}.conv.conv", f, f, 1);
                Conv(list, $"merge_preds.{s}.conv.conv", f, j, 1);
            }
        }
        return list;
    }

    private static void Hourglass(List<ExpectedTensor> list, string prefix, int depth, int f)
    {
        Residual(list, prefix + ".up1", f, f);
        Residual(list, prefix + ".low1", f, f);
        if (depth > 1)
            Hourglass(list, prefix + ".low2", depth - 1, f);
        else
            Residual(list, prefix + ".low2", f, f);
        Residual(list, prefix + ".low3", f, f);
    }

    private static void Residual(List<ExpectedTensor> list, string prefix, int inChannels, int outChannels)
    {
        int mid = outChannels / 2;
        BatchNorm(list, prefix + ".bn1", inChannels);
        Conv(list, prefix + ".conv1.conv", mid, inChannels, 1);
        BatchNorm(list, prefix + ".bn2", mid);
        Conv(list, prefix + ".conv2.conv", mid, mid, 3);
        BatchNorm(list, prefix + ".bn3", mid);
        Conv(list, prefix + ".conv3.conv", outChannels, mid, 1);
        if (inChannels != outChannels)
            Conv(list, prefix + ".skip_layer.conv", outChannels, inChannels, 1);
    }

    private static void Conv(List<ExpectedTensor> list, string prefix, int outChannels, int inChannels, int kernel)
    {
        list.Add(new(prefix + ".weight", [outChannels, inChannels, kernel, kernel], WeightKind.ConvWeight));
        list.Add(new(prefix + ".bias", [outChannels], WeightKind.ConvBias));
    }

    private static void BatchNorm(List<ExpectedTensor> list, string prefix, int channels)
    {
        list.Add(new(prefix + ".weight", [channels], WeightKind.BatchNormWeight));
        list.Add(new(prefix + ".bias", [channels], WeightKind.BatchNormBias));
        list.Add(new(prefix + ".running_mean", [channels], WeightKind.BatchNormMean));
        list.Add(new(prefix + ".running_var", [channels], WeightKind.BatchNormVariance));
    }
}

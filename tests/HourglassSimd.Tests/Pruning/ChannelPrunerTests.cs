using HourglassSimd.Pruning;
using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;
using HourglassSimd.Topology;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Pruning;

/// <summary>Channel pruning: the budget, the surgery (exact on dead channels), both weight forms and the criteria.</summary>
public sealed class ChannelPrunerTests(ITestOutputHelper output)
{
    private static readonly HourglassArchitecture Arch = new(2, 32, 16, 64, 64);

    [Theory]
    [InlineData(0.5, PruningTarget.Macs, PruningScope.Global)]
    [InlineData(0.25, PruningTarget.Macs, PruningScope.Global)]
    [InlineData(0.5, PruningTarget.Parameters, PruningScope.Global)]
    [InlineData(0.5, PruningTarget.Macs, PruningScope.PerModule)]
    public void The_pruned_network_keeps_at_most_its_share_and_close_to_it(double ratio, PruningTarget target, PruningScope scope)
    {
        var weights = HourglassWeights.CreateRandom(Arch, 1).Fold(Arch);
        var result = ChannelPruner.Prune(Arch, weights, new PruningOptions { Ratio = ratio, Target = target, Scope = scope });
        long before = target == PruningTarget.Macs ? result.MacsBefore : result.ParametersBefore;
        long after = target == PruningTarget.Macs ? result.MacsAfter : result.ParametersAfter;
        output.WriteLine($"{ratio} of {target}, {scope}: MACs {result.MacsBefore:N0} -> {result.MacsAfter:N0}, parameters {result.ParametersBefore:N0} -> {result.ParametersAfter:N0}; " +
            string.Join(" ", result.Modules.Take(6).Select(m => $"{m.Prefix} {m.WidthBefore}->{m.WidthAfter}")));
        Assert.True(after <= before * ratio, $"{after} of {before}");
        Assert.True(after >= before * ratio * 0.9, $"{after} of {before}: the search stopped far below the budget");
        Assert.Equal(result.MacsAfter, result.Architecture.MacCount);
        result.Weights.Validate(result.Architecture);
        if (scope == PruningScope.PerModule)
        {
            var shares = result.Modules.Select(m => (double)m.WidthAfter / m.WidthBefore).ToArray();
            Assert.True(shares.Max() - shares.Min() < 0.1, string.Join(", ", shares));
        }
        using var net = HourglassNetwork.Create(result.Architecture, result.Weights, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        Assert.All(net.Run(TestArrays.Uniform(new Random(1), Arch.InputSizePerImage, 0, 1)), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Widths_round_up_to_the_multiple_asked_for_and_stay_within_the_budget()
    {
        var arch = new HourglassArchitecture(2, 64, 16, 64, 64);
        var result = ChannelPruner.Prune(arch, HourglassWeights.CreateRandom(arch, 8).Fold(arch), new PruningOptions { Ratio = 0.5, WidthMultiple = 8 });
        Assert.All(result.Modules, m => Assert.Equal(0, m.WidthAfter % 8));
        Assert.True(result.MacsAfter <= result.MacsBefore * 0.5);
        Assert.True(result.MacsAfter >= result.MacsBefore * 0.4, $"{result.MacsAfter} of {result.MacsBefore}");
    }

    [Fact]
    public void The_stem_is_pruned_unless_asked_not_to_and_then_the_floor_is_higher()
    {
        var weights = HourglassWeights.CreateRandom(Arch, 9).Fold(Arch);
        var withStem = ChannelPruner.Prune(Arch, weights, new PruningOptions { Ratio = 0.2 });
        Assert.True(withStem.Architecture.StemChannels < Arch.StemChannels, $"{withStem.Architecture.StemChannels}");
        Assert.Equal([withStem.Architecture.StemChannels, 3, 7, 7], withStem.Weights.Tensors["pre.0.conv.weight"].Shape);
        var without = ChannelPruner.Prune(Arch, weights, new PruningOptions { Ratio = 0.5, PruneStem = false });
        Assert.Equal(Arch.StemChannels, without.Architecture.StemChannels);
        Assert.Equal(weights.Tensors["pre.0.conv.weight"].Data, without.Weights.Tensors["pre.0.conv.weight"].Data);
        var e = Assert.Throws<ArgumentException>(() => ChannelPruner.Prune(Arch, weights, new PruningOptions { Ratio = 0.2, PruneStem = false }));
        output.WriteLine(e.Message);
        Assert.Contains("nor (as asked) the stem convolution", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ratio_of_one_keeps_everything()
    {
        var weights = HourglassWeights.CreateRandom(Arch, 2).Fold(Arch);
        var result = ChannelPruner.Prune(Arch, weights, new PruningOptions { Ratio = 1 });
        Assert.Equal(Arch, result.Architecture);
        Assert.All(weights.Tensors, t => Assert.Equal(t.Value.Data, result.Weights.Tensors[t.Key].Data));
    }

    /// <summary>
    /// Channels that are dead (zero filter, negative bias, so zero after the ReLU) contribute nothing; with a budget
    /// of exactly the live network the pruner removes just them, and the heatmaps stay what they were.
    /// </summary>
    [Theory]
    [InlineData(ResidualBlock.Bottleneck, KernelIsa.Vector512)]
    [InlineData(ResidualBlock.Depthwise, KernelIsa.Vector256)]
    [InlineData(ResidualBlock.Bottleneck, KernelIsa.Scalar)]
    public void Removing_dead_channels_leaves_the_heatmaps_unchanged(ResidualBlock block, KernelIsa isa)
    {
        var arch = Arch with { Block = block };
        var folded = HourglassWeights.CreateRandom(arch, 3).Fold(arch);
        var tensors = folded.Tensors.ToDictionary(t => t.Key, t => t.Value.Data.ToArray());
        var random = new Random(4);
        var live = new List<KeyValuePair<string, int>>();
        foreach (var module in HourglassTopology.ResidualModules(arch))
        {
            int dead = random.Next(0, module.InnerChannels - 1);
            var a = Enumerable.Range(0, module.InnerChannels).OrderBy(_ => random.Next()).Take(dead).ToArray();
            var b = block == ResidualBlock.Depthwise ? a : Enumerable.Range(0, module.InnerChannels).OrderBy(_ => random.Next()).Take(dead).ToArray();
            Kill(tensors, module.Prefix + ".conv1.conv", a);
            Kill(tensors, module.Prefix + ".conv2.conv", b);
            if (dead > 0)
                live.Add(new(module.Prefix, module.InnerChannels - dead));
        }
        // Dead stem channels too: the first residual's pre-activation turns their zeros into constants, which the
        // surgery moves into its conv1 bias.
        int deadStem = random.Next(1, arch.StemChannels - 1);
        Kill(tensors, "pre.0.conv", Enumerable.Range(0, arch.StemChannels).OrderBy(_ => random.Next()).Take(deadStem).ToArray());
        var weights = new HourglassWeights(folded.Tensors.Select(t => new WeightTensor(t.Key, [.. t.Value.Shape], tensors[t.Key])), folded: true);
        var target = arch with { Widths = new ResidualWidths(live), StemChannels = arch.StemChannels - deadStem };
        double ratio = (target.MacCount + 0.5) / arch.MacCount;

        var result = ChannelPruner.Prune(arch, weights, new PruningOptions { Ratio = ratio });
        Assert.Equal(target, result.Architecture);
        float[] image = TestArrays.Uniform(new Random(5), arch.InputSizePerImage, 0, 1);
        var options = new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 1 };
        using var original = HourglassNetwork.Create(arch, weights, options);
        using var pruned = HourglassNetwork.Create(result.Architecture, result.Weights, options);
        double relative = Tolerance.AssertNetworkClose(original.Run(image), pruned.Run(image), $"{block} {isa} pruned of its dead channels");
        output.WriteLine($"{block} {isa}: MACs {result.MacsBefore:N0} -> {result.MacsAfter:N0}; max |diff| / max |output| {relative:E2}");
    }

    [Fact]
    public void The_trained_form_prunes_like_its_folded_form_and_folds_to_the_same_weights()
    {
        var trained = HourglassWeights.CreateRandom(Arch, 6);
        var options = new PruningOptions { Ratio = 0.4 };
        var fromTrained = ChannelPruner.Prune(Arch, trained, options);
        var fromFolded = ChannelPruner.Prune(Arch, trained.Fold(Arch), options);
        Assert.False(fromTrained.Weights.IsFolded);
        Assert.Equal(fromFolded.Architecture, fromTrained.Architecture);
        var refolded = fromTrained.Weights.Fold(fromTrained.Architecture);
        Assert.True(fromTrained.Architecture.StemChannels < Arch.StemChannels);
        // The removed stem channels' constant reaches the first residual's conv1 bias before its batch norm folds in
        // one form and after it in the other, so that bias agrees to rounding; every other tensor is identical.
        const string compensated = "pre.1.conv1.conv.bias";
        Assert.All(fromFolded.Weights.Tensors.Where(t => t.Key != compensated), t => Assert.Equal(t.Value.Data, refolded.Tensors[t.Key].Data));
        float[] expected = fromFolded.Weights.Tensors[compensated].Data, actual = refolded.Tensors[compensated].Data;
        Assert.All(expected.Zip(actual), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-5f * (1 + MathF.Abs(p.First)), $"{p.First} against {p.Second}"));
    }

    [Fact]
    public void The_batch_norm_criterion_ranks_by_gamma_and_needs_the_trained_form()
    {
        var trained = HourglassWeights.CreateRandom(Arch, 7);
        var e = Assert.Throws<ArgumentException>(() =>
            ChannelPruner.Prune(Arch, trained.Fold(Arch), new PruningOptions { Criterion = PruningCriterion.BatchNormScale }));
        Assert.Contains("trained", e.Message, StringComparison.Ordinal);

        var result = ChannelPruner.Prune(Arch, trained, new PruningOptions { Criterion = PruningCriterion.BatchNormScale, Ratio = 0.5, Scope = PruningScope.PerModule });
        // In every module the kept bn2 channels are those of the largest |γ|.
        foreach (var module in result.Modules)
        {
            float[] gamma = trained.Tensors[module.Prefix + ".bn2.weight"].Data;
            float[] kept = result.Weights.Tensors[module.Prefix + ".bn2.weight"].Data;
            float smallestKept = kept.Min(MathF.Abs);
            Assert.Equal(gamma.Length - module.WidthAfter, gamma.Count(g => MathF.Abs(g) < smallestKept));
        }
    }

    [Fact]
    public void A_budget_below_the_narrowest_network_is_refused_with_what_it_can_keep()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ChannelPruner.Prune(Arch, HourglassWeights.CreateRandom(Arch, 1), new PruningOptions { Ratio = 0.01 }));
        output.WriteLine(e.Message);
        Assert.Contains("cannot be pruned to 0.01 of its macs", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_ratio_outside_zero_to_one_is_refused(double ratio) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ChannelPruner.Prune(Arch, HourglassWeights.CreateRandom(Arch, 1), new PruningOptions { Ratio = ratio }));

    /// <summary>Zero filter and bias −1: the channel is 0 after its ReLU whatever the input.</summary>
    private static void Kill(Dictionary<string, float[]> tensors, string conv, int[] channels)
    {
        float[] weight = tensors[conv + ".weight"], bias = tensors[conv + ".bias"];
        int per = weight.Length / bias.Length;
        foreach (int c in channels)
        {
            Array.Clear(weight, c * per, per);
            bias[c] = -1;
        }
    }
}

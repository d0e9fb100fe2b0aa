using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HourglassSimd.Training.Tests;

public sealed class PoseNetStateDictTests(ITestOutputHelper output)
{
    private static readonly string[] BatchNormSuffixes = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

    [Fact]
    public void StateDict_S2_F256_J16_MatchesSpecNamingShapesAndParameterCount()
    {
        using var net = new PoseNet(new PoseNetArchitecture(Stacks: 2, Features: 256, Joints: 16));
        Dictionary<string, Tensor> state = net.state_dict();
        foreach ((string key, Tensor value) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{key} [{string.Join(", ", value.shape)}]");
        }

        // Spec §1.8 examples, with the shapes spec §1.2-§1.5 imply.
        (string Key, long[] Shape)[] samples =
        [
            ("pre.0.conv.weight", [64, 3, 7, 7]),
            ("pre.0.conv.bias", [64]),
            ("pre.0.bn.running_mean", [64]),
            ("pre.0.bn.running_var", [64]),
            ("pre.1.skip_layer.conv.weight", [128, 64, 1, 1]),
            ("pre.3.conv2.conv.weight", [64, 64, 3, 3]),
            ("pre.4.skip_layer.conv.bias", [256]),
            ("hgs.0.0.up1.bn1.weight", [256]),
            ("hgs.0.0.low2.low2.low2.low2.conv3.conv.bias", [256]),
            ("hgs.1.0.low2.low2.low2.low2.conv2.conv.weight", [128, 128, 3, 3]),
            ("features.1.0.bn3.running_mean", [128]),
            ("features.1.1.conv.weight", [256, 256, 1, 1]),
            ("features.1.1.bn.bias", [256]),
            ("outs.1.conv.weight", [16, 256, 1, 1]),
            ("merge_features.0.conv.conv.weight", [256, 256, 1, 1]),
            ("merge_preds.0.conv.conv.weight", [256, 16, 1, 1]),
            ("merge_preds.0.conv.conv.bias", [256]),
        ];
        foreach ((string key, long[] shape) in samples)
        {
            Assert.True(state.ContainsKey(key), $"missing key {key}");
            Assert.Equal(shape, state[key].shape);
        }

        Assert.Equal(ExpectedKeys(stacks: 2).Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));

        // Spec §1.6: weights, biases and BN gamma/beta; no running statistics.
        long parameters = state
            .Where(p => !p.Key.EndsWith(".running_mean", StringComparison.Ordinal)
                && !p.Key.EndsWith(".running_var", StringComparison.Ordinal)
                && !p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            .Sum(p => p.Value.numel());
        Assert.Equal(6_570_400, parameters);
        Assert.Equal(parameters, net.parameters().Sum(p => p.numel()));

        // Spec §1.6 layer counts for S = 2: 102 convolutions, 96 BatchNorms, skip convs only where in != out.
        Assert.Equal(102, state.Keys.Count(k => k.EndsWith("conv.weight", StringComparison.Ordinal)));
        Assert.Equal(96, state.Keys.Count(k => k.EndsWith(".running_mean", StringComparison.Ordinal)));
        Assert.Equal(
            ["pre.1.skip_layer.conv.weight", "pre.4.skip_layer.conv.weight"],
            state.Keys.Where(k => k.Contains("skip_layer", StringComparison.Ordinal) && k.EndsWith("weight", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1, 16, 3_426_448)]
    [InlineData(2, 17, 6_571_170)]
    [InlineData(4, 16, 12_858_304)]
    public void ParameterCount_MatchesSpecTable(int stacks, int joints, long expected)
    {
        using var net = new PoseNet(new PoseNetArchitecture(stacks, 256, joints));
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void StemWithFeatures128_HasNoSkipLayerInLastStemResidual()
    {
        using var net = new PoseNet(new PoseNetArchitecture(Stacks: 1, Features: 128, Joints: 16));
        Assert.DoesNotContain(net.state_dict().Keys, k => k.StartsWith("pre.4.skip_layer", StringComparison.Ordinal));
        Assert.Contains("pre.1.skip_layer.conv.weight", net.state_dict().Keys);
    }

    [Fact]
    public void Forward_ReturnsEveryStacksHeatmaps()
    {
        using var net = new PoseNet(new PoseNetArchitecture(Stacks: 2, Features: 16, Joints: 5));
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor output = net.forward(rand(2, 3, 128, 64));
        Assert.Equal([2L, 2, 5, 32, 16], output.shape);
    }

    [Fact]
    public void OddFeatures_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoseNet(new PoseNetArchitecture(1, 15, 16)));
    }

    /// <summary>The key set of spec §1.7/§1.8, generated from the naming rules independently of the modules.</summary>
    private static IEnumerable<string> ExpectedKeys(int stacks)
    {
        IEnumerable<string> Conv(string prefix) => [$"{prefix}.weight", $"{prefix}.bias"];
        IEnumerable<string> Bn(string prefix) => BatchNormSuffixes.Select(s => $"{prefix}.{s}");
        IEnumerable<string> Res(string p, bool skip) =>
            Bn($"{p}.bn1").Concat(Conv($"{p}.conv1.conv")).Concat(Bn($"{p}.bn2")).Concat(Conv($"{p}.conv2.conv"))
                .Concat(Bn($"{p}.bn3")).Concat(Conv($"{p}.conv3.conv"))
                .Concat(skip ? Conv($"{p}.skip_layer.conv") : []);
        IEnumerable<string> Hourglass(string p, int n) =>
            Res($"{p}.up1", false).Concat(Res($"{p}.low1", false))
                .Concat(n > 1 ? Hourglass($"{p}.low2", n - 1) : Res($"{p}.low2", false))
                .Concat(Res($"{p}.low3", false));

        var keys = Conv("pre.0.conv").Concat(Bn("pre.0.bn"))
            .Concat(Res("pre.1", true)).Concat(Res("pre.3", false)).Concat(Res("pre.4", true)).ToList();
        for (int i = 0; i < stacks; i++)
        {
            keys.AddRange(Hourglass($"hgs.{i}.0", 4));
            keys.AddRange(Res($"features.{i}.0", false));
            keys.AddRange(Conv($"features.{i}.1.conv").Concat(Bn($"features.{i}.1.bn")));
            keys.AddRange(Conv($"outs.{i}.conv"));
            if (i < stacks - 1)
            {
                keys.AddRange(Conv($"merge_features.{i}.conv.conv"));
                keys.AddRange(Conv($"merge_preds.{i}.conv.conv"));
            }
        }

        return keys;
    }
}

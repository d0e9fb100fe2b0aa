using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Interop.Tests.Checkpoints;

public sealed class CheckpointConverterTests
{
    private static readonly HourglassArchitecture Small = new(stacks: 1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);
    private static readonly ConversionOptions At64 = new() { InputSize = 64 };

    private static ConvertedCheckpoint Convert(IEnumerable<CheckpointTensor> tensors, ConversionOptions? options = null) =>
        CheckpointConverter.Convert(SyntheticCheckpoints.Checkpoint(tensors), options ?? At64);

    private static CheckpointConversionException Fails(IEnumerable<CheckpointTensor> tensors, ConversionOptions? options = null) =>
        Assert.Throws<CheckpointConversionException>(() => Convert(tensors, options));

    [Fact]
    public void FlatStateDict_InfersArchitecture_AndFoldsLosslessly()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small);
        var converted = Convert(tensors);
        Assert.Equal(Small, converted.Model.Architecture);
        Assert.Equal("", converted.Prefix);
        Assert.All(converted.Ignored, i => Assert.Equal(IgnoredTensorReason.BatchNormStepCounter, i.Reason));
        Assert.Equal(53, converted.Ignored.Count); // spec §1.6: 53 batch norms for S = 1
        Assert.Equal(InputNormalization.Default, converted.Model.Normalization);

        var expected = HourglassWeights.CreateRandom(Small, 1).Fold(Small);
        foreach (var (name, tensor) in expected.Tensors)
            Assert.Equal(tensor.Data, converted.Model.Weights.Tensors[name].Data);
    }

    [Theory]
    [InlineData("module.")]
    [InlineData("model.module.")]
    [InlineData("model.")]
    public void WrappingPrefix_IsStripped(string prefix)
    {
        var converted = Convert(SyntheticCheckpoints.Tensors(Small, prefix: prefix));
        Assert.Equal(prefix, converted.Prefix);
        Assert.StartsWith(prefix, converted.Ignored[0].Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 30)] // pre.3 + 13 hourglass residuals + features.0.0 = 15 identity residuals
    [InlineData(2, 58)] // pre.3 + 2 x 14
    public void PrincetonVlIdentityShortcuts_AreIgnoredAndCounted(int stacks, int expected)
    {
        var arch = new HourglassArchitecture(stacks, 16, 16, 64, 64);
        var tensors = SyntheticCheckpoints.Tensors(arch, prefix: "model.module.");
        var shortcuts = SyntheticCheckpoints.IdentityShortcuts(tensors);
        Assert.Equal(expected, shortcuts.Count);
        var converted = Convert(tensors.Concat(shortcuts));
        Assert.Equal(expected, converted.Ignored.Count(i => i.Reason == IgnoredTensorReason.UnusedIdentityShortcut));
        Assert.DoesNotContain(converted.Ignored, i => i.Name.Contains("pre.1.skip_layer", StringComparison.Ordinal) || i.Name.Contains("pre.4.skip_layer", StringComparison.Ordinal));
    }

    [Fact]
    public void PrincetonVlShortcutCount_ForEightStacks_MatchesSpec()
    {
        // hourglass-spec §1.6: PV's unused shortcut convs add 7,385,216 parameters for S = 8 (F = 256): 113 residuals.
        var arch = new HourglassArchitecture(8, 16, 16, 64, 64);
        var shortcuts = SyntheticCheckpoints.IdentityShortcuts(SyntheticCheckpoints.Tensors(arch, counters: false));
        Assert.Equal(113 * 2, shortcuts.Count);
        Assert.Equal(7_385_216, 112L * (256 * 256 + 256) + (128 * 128 + 128)); // 112 at F = 256 plus pre.3 (128 -> 128)
    }

    [Fact]
    public void MatchingOptions_AreAccepted_AndInputSizeAndNormalizationAreApplied()
    {
        var options = new ConversionOptions { Stacks = 1, Features = 16, Joints = 16, InputSize = 128, Normalization = InputNormalization.MeanSubtracted };
        var converted = Convert(SyntheticCheckpoints.Tensors(Small), options);
        Assert.Equal(128, converted.Model.Architecture.InputHeight);
        Assert.Equal(InputNormalization.MeanSubtracted, converted.Model.Normalization);
    }

    [Theory]
    [InlineData(2, null, null, "--stacks 2 disagrees with the checkpoint, which has 1 stacks (outs.0).")]
    [InlineData(null, 32, null, "--features 32 disagrees with the checkpoint, which has 16 features (outs.0.conv.weight is [16, 16, 1, 1]).")]
    [InlineData(null, null, 17, "--joints 17 disagrees with the checkpoint, which has 16 joints (outs.0.conv.weight is [16, 16, 1, 1]).")]
    public void DisagreeingOptions_AreClearErrors(int? stacks, int? features, int? joints, string message)
    {
        var e = Fails(SyntheticCheckpoints.Tensors(Small), At64 with { Stacks = stacks, Features = features, Joints = joints });
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void BadInputSize_IsAClearError() =>
        Assert.Contains("multiple of 64", Fails(SyntheticCheckpoints.Tensors(Small), At64 with { InputSize = 100 }).Message, StringComparison.Ordinal);

    [Fact]
    public void MissingUnexpectedMisShapedAndNonFinite_AreAllListed()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small);
        tensors.RemoveAll(t => t.Name == "hgs.0.0.up1.bn1.running_var");
        int conv = tensors.FindIndex(t => t.Name == "pre.0.conv.weight");
        tensors[conv] = SyntheticCheckpoints.With(tensors[conv], shape: [64, 3, 5, 5], data: new float[64 * 3 * 5 * 5]);
        int bias = tensors.FindIndex(t => t.Name == "outs.0.conv.bias");
        var nan = (float[])tensors[bias].Data!.Clone();
        nan[3] = float.NaN;
        tensors[bias] = SyntheticCheckpoints.With(tensors[bias], data: nan);
        int mean = tensors.FindIndex(t => t.Name == "pre.3.bn2.running_mean");
        var inf = (float[])tensors[mean].Data!.Clone();
        inf[0] = float.PositiveInfinity;
        tensors[mean] = SyntheticCheckpoints.With(tensors[mean], data: inf);
        tensors.Add(new CheckpointTensor("extra.weight", [2], TensorElementType.Float32, [1, 2]));
        tensors.Add(new CheckpointTensor("pre.0.bn.step", [], TensorElementType.Int64, null));

        var e = Fails(tensors);
        Assert.Contains("missing tensor 'hgs.0.0.up1.bn1.running_var' (expected shape [16])", e.Problems);
        Assert.Contains("tensor 'pre.0.conv.weight' has shape [64, 3, 5, 5], expected [64, 3, 7, 7]", e.Problems);
        Assert.Contains("tensor 'outs.0.conv.bias' holds an invalid value NaN at flat index 3", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("tensor 'pre.3.bn2.running_mean' holds an invalid value", StringComparison.Ordinal) && p.EndsWith("at flat index 0", StringComparison.Ordinal));
        Assert.Contains("unexpected tensor 'extra.weight'", e.Problems);
        Assert.Contains("tensor 'pre.0.bn.step' has dtype int64; network weights must be floating point", e.Problems);
        Assert.Equal(6, e.Problems.Count);
        Assert.StartsWith("the checkpoint does not fit a network of 1 stack(s), 16 features, 16 joints, input 64x64: 6 problem(s):", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysOutsideThePrefix_AreUnexpected()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small, prefix: "module.");
        tensors.Add(new CheckpointTensor("ema.bias", [1], TensorElementType.Float32, [0]));
        var e = Fails(tensors);
        Assert.Equal(["unexpected tensor 'ema.bias' (outside the prefix 'module.' of the network's keys)"], e.Problems);
    }

    [Fact]
    public void TwoNetworks_AreRefused()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small, prefix: "student.").Concat(SyntheticCheckpoints.Tensors(Small, prefix: "teacher."));
        Assert.Contains("holds 2 networks (key prefixes 'student.', 'teacher.')", Fails(tensors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BearpawCheckpoint_IsNamed()
    {
        var tensors = new[] { "module.conv1.weight", "module.hg.0.hg.3.0.0.bn1.weight", "module.score.0.weight" }
            .Select(n => new CheckpointTensor(n, [1], TensorElementType.Float32, [0]));
        Assert.Contains("bearpaw/pytorch-pose", Fails(tensors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutHeads_TheStackCountCannotBeInferred()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small).Where(t => !t.Name.StartsWith("outs.", StringComparison.Ordinal));
        Assert.Equal("cannot infer the number of stacks from the checkpoint (it has no 'outs.<i>.conv.weight' heatmap head); pass --stacks.", Fails(tensors).Message);
    }

    [Fact]
    public void EmptyCheckpoint_IsRefused() => Assert.Contains("no tensors", Fails([]).Message, StringComparison.Ordinal);

    [Fact]
    public void Float64Tensors_AreAccepted()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small)
            .Select(t => t.Data is null ? t : new CheckpointTensor(t.Name, t.Shape, TensorElementType.Float64, t.Data)).ToList();
        Assert.Equal(Small, Convert(tensors).Model.Architecture);
    }
}

using HourglassSimd.Parity.Tests.Support;
using System.Diagnostics;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.TestSupport;
using HourglassSimd.Training;
using TorchSharp.PyBridge;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.Parity;

/// <summary>
/// Parity with libtorch: a TorchSharp PoseNet with random weights and non-trivial batch-norm statistics is saved as a
/// checkpoint, converted to .hgw, loaded by the engine and run; every stack's heatmaps must match TorchSharp's eval-mode
/// forward pass on the same batch within 1e-4 of that stack's largest reference magnitude.
/// </summary>
public sealed class LibTorchParityTests(ITestOutputHelper output) : IDisposable
{
    private const double RelativeTolerance = 1e-4;
    private const int Batch = 2;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1, 16, 16, 64)]
    [InlineData(2, 32, 17, 64)]
    [InlineData(1, 256, 16, 128)]
    public void ModuleSaveCheckpoint_ConvertedModel_MatchesLibTorch(int stacks, int features, int joints, int size) =>
        CheckParity(stacks, features, joints, size, seed: 10 + stacks + features + joints);

    /// <summary>Hourglasses shallower and deeper than the paper's: the converter infers the depth from the keys.</summary>
    [Theory]
    [InlineData(2, 32, 16, 64, 1)]
    [InlineData(2, 32, 16, 64, 2)]
    [InlineData(1, 32, 16, 128, 3)]
    [InlineData(1, 16, 16, 128, 5)]
    public void OtherDepths_ConvertedModel_MatchesLibTorch(int stacks, int features, int joints, int size, int depth) =>
        CheckParity(stacks, features, joints, size, seed: 40 + depth, depth);

    /// <summary>
    /// A checkpoint pruned by network slimming (<see cref="CheckpointPruning"/>: the trainer's --prune-from) is a
    /// TorchSharp network with narrowed residual modules; it saves, converts (widths inferred from the conv1 shapes)
    /// and runs in the engine as libtorch runs it, for both block types.
    /// </summary>
    [Theory]
    [InlineData(ResidualBlock.Bottleneck, 0.5)]
    [InlineData(ResidualBlock.Depthwise, 0.6)]
    [InlineData(ResidualBlock.Bottleneck, 0.2)]
    public void PrunedCheckpoint_ConvertedModel_MatchesLibTorch(ResidualBlock block, double targetMacs)
    {
        const int size = 64;
        string original = _temp.File($"full-{block}.dat");
        using (var full = RandomPoseNets.Create(2, 32, 16, seed: 77, block: block))
        {
            full.save(original);
            new CheckpointMetadata { Epoch = 1, Stacks = 2, Features = 32, Joints = 16, Block = block, InputSize = size }
                .Write(TrainingCheckpoint.MetadataPath(original));
        }

        var (pruned, result) = CheckpointPruning.Prune(original, targetMacs, size);
        using (pruned)
        {
            pruned.eval();
            output.WriteLine($"{block}: MACs {result.MacsBefore:N0} -> {result.MacsAfter:N0}, parameters {result.ParametersBefore:N0} -> {result.ParametersAfter:N0}, " +
                $"stem {result.StemChannelsBefore} -> {result.Architecture.StemChannels}");
            Assert.True(result.MacsAfter <= result.MacsBefore * targetMacs);
            if (targetMacs <= 0.2)
                Assert.True(result.Architecture.StemChannels < HourglassArchitecture.DefaultStemChannels, "so small a budget needs the stem pruned");
            string checkpoint = _temp.File($"pruned-{block}-{targetMacs}.dat"), model = _temp.File($"pruned-{block}-{targetMacs}.hgw");
            pruned.save(checkpoint);
            var converted = CheckpointConverter.Convert(CheckpointReader.Read(checkpoint), new ConversionOptions { InputSize = size });
            Assert.Equal(result.Architecture, converted.Model.Architecture);
            converted.Model.Save(model);

            float[] images = RandomPoseNets.Images(Batch, size, seed: 78);
            float[] expected = RandomPoseNets.Forward(pruned, images, Batch, size);
            using var engine = HourglassNetwork.Load(model, new HourglassOptions { MaxDegreeOfParallelism = 2 });
            float[] actual = engine.Run(images);
            Assert.True(CompareStacks(expected, actual, 2, 16 * 16 * 16), "a stack's heatmaps differ from libtorch by more than 1e-4 of their largest magnitude (see output)");
        }
    }

    /// <summary>
    /// Depthwise residual blocks (TorchSharp <c>Conv2d</c> with groups = channels): the converter infers the block
    /// type from the [mid, 1, 3, 3] shapes. Feature counts give bottleneck widths on and off multiples of 16.
    /// </summary>
    [Theory]
    [InlineData(2, 32, 16, 64, 4)]
    [InlineData(1, 44, 16, 128, 2)]
    [InlineData(2, 64, 16, 128, 3)]
    public void DepthwiseBlocks_ConvertedModel_MatchesLibTorch(int stacks, int features, int joints, int size, int depth) =>
        CheckParity(stacks, features, joints, size, seed: 60 + features, depth, ResidualBlock.Depthwise);

    /// <summary>
    /// Boxes of several residual modules (TorchSharp <c>Sequential</c>s, keys <c>up1.0</c>, <c>up1.1</c>, ...): the
    /// converter infers the count, and the engine runs them as libtorch does, with both block types.
    /// </summary>
    [Theory]
    [InlineData(2, 32, 16, 64, 4, ResidualBlock.Bottleneck, 2)]
    [InlineData(1, 32, 16, 128, 3, ResidualBlock.Depthwise, 3)]
    public void SeveralModulesPerLevel_ConvertedModel_MatchesLibTorch(int stacks, int features, int joints, int size, int depth, ResidualBlock block, int modules) =>
        CheckParity(stacks, features, joints, size, seed: 90 + modules, depth, block, modules);

    /// <summary>
    /// One converted model (default size 256x256) run at non-square sizes it was not converted for: each size's
    /// heatmaps match libtorch's forward pass at that size.
    /// </summary>
    [Fact]
    public void OneModel_AtSeveralNonSquareSizes_MatchesLibTorch()
    {
        using var net = RandomPoseNets.Create(2, 32, 11, seed: 31);
        string checkpoint = _temp.File("sizes.dat"), model = _temp.File("sizes.hgw");
        net.save(checkpoint);
        CheckpointConverter.Convert(CheckpointReader.Read(checkpoint), new ConversionOptions()).Model.Save(model);
        using var engine = HourglassNetwork.Load(model, new HourglassOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal((256, 256), (engine.Architecture.InputHeight, engine.Architecture.InputWidth));

        bool ok = true;
        foreach (var (height, width) in new[] { (128, 64), (64, 192), (192, 128) })
        {
            float[] images = RandomPoseNets.Images(Batch, height, width, seed: height + width);
            float[] expected = RandomPoseNets.Forward(net, images, Batch, height, width);
            float[] actual = engine.Run(images, height, width);
            Assert.Equal(expected.Length, actual.Length);
            output.WriteLine($"S=2 F=32 J=11 at {height}x{width} (model default 256x256), batch {Batch}:");
            ok &= CompareStacks(expected, actual, 2, 11 * height / 4 * width / 4);
        }
        Assert.True(ok, "a stack's heatmaps differ from libtorch by more than 1e-4 of their largest magnitude (see output)");
    }

    [Fact]
    [Trait("Category", "Heavy")]
    public void EightStacks256Wide_At256_MatchesLibTorch() => CheckParity(8, 256, 16, 256, seed: 8);

    [Fact]
    public void PyTorchZipAndSafetensors_ConvertToTheSameModel_AsModuleSave()
    {
        // The same network saved four ways must give bit-identical folded weights: Module.save, PyBridge's torch.save zip,
        // safetensors, and a princeton-vl-style training checkpoint (prefixed keys, unused identity shortcuts, optimizer).
        using var net = RandomPoseNets.Create(2, 32, 17, seed: 21);
        var options = new ConversionOptions { InputSize = 64 };
        string dat = _temp.File("net.dat"), pt = _temp.File("net.pt"), st = _temp.File("net.safetensors"), pv = _temp.File("checkpoint.pt");
        net.save(dat);
        net.save_py(pt);
        Safetensors.SaveStateDict(st, net.state_dict());
        var state = SyntheticCheckpointsFromTorch(net, "model.module.");
        var shortcuts = SyntheticCheckpoints.IdentityShortcuts(state);
        var stateDict = new PyDict(ordered: true);
        int storageKey = 0;
        foreach (var tensor in state.Concat(shortcuts))
        {
            var storage = tensor.Data is null
                ? new PyStorage((storageKey++).ToString(), "LongStorage", BitConverter.GetBytes(1234L), 1)
                : PyStorage.Floats((storageKey++).ToString(), tensor.Data);
            stateDict.Add(tensor.Name, PyTensor.Contiguous(storage, tensor.Shape.Select(d => (long)d).ToArray()));
        }
        TorchSaveWriter.Save(pv, new PyDict().Add("epoch", 100L).Add("state_dict", stateDict)
            .Add("optimizer", new PyDict().Add("state", new PyDict()).Add("param_groups", new List<object?> { new PyDict().Add("lr", 2.5e-4) })));

        var reference = CheckpointConverter.Convert(CheckpointReader.Read(dat), options).Model.Weights;
        foreach (string path in new[] { pt, st, pv })
        {
            var converted = CheckpointConverter.Convert(CheckpointReader.Read(path), options);
            Assert.Equal(reference.Tensors.Keys.Order(), converted.Model.Weights.Tensors.Keys.Order());
            foreach (var (name, tensor) in reference.Tensors)
                Assert.Equal(tensor.Data, converted.Model.Weights.Tensors[name].Data);
            output.WriteLine($"{Path.GetFileName(path)}: {CheckpointReader.Read(path).FormatName}, prefix '{converted.Prefix}', ignored {converted.Ignored.Count} " +
                $"({converted.Ignored.Count(i => i.Reason == IgnoredTensorReason.UnusedIdentityShortcut)} identity shortcuts)");
        }
        Assert.Equal(58, shortcuts.Count);
    }

    private static List<CheckpointTensor> SyntheticCheckpointsFromTorch(PoseNet net, string prefix) =>
        net.state_dict().Select(p => p.Value.dtype == TorchSharp.torch.ScalarType.Float32
            ? new CheckpointTensor(prefix + p.Key, p.Value.shape.Select(d => (int)d).ToArray(), TensorElementType.Float32, p.Value.data<float>().ToArray())
            : new CheckpointTensor(prefix + p.Key, p.Value.shape.Select(d => (int)d).ToArray(), TensorElementType.Int64, null)).ToList();

    private void CheckParity(int stacks, int features, int joints, int size, int seed, int depth = HourglassArchitecture.DefaultDepth,
        ResidualBlock block = ResidualBlock.Bottleneck, int modulesPerLevel = 1)
    {
        using var net = RandomPoseNets.Create(stacks, features, joints, seed, depth, block, modulesPerLevel);
        string checkpoint = _temp.File("posenet.dat"), model = _temp.File("posenet.hgw");
        net.save(checkpoint);

        var clock = Stopwatch.StartNew();
        var converted = CheckpointConverter.Convert(CheckpointReader.Read(checkpoint), new ConversionOptions { InputSize = size });
        converted.Model.Save(model);
        var convertTime = clock.Elapsed;

        float[] images = RandomPoseNets.Images(Batch, size, seed);
        clock.Restart();
        float[] expected = RandomPoseNets.Forward(net, images, Batch, size);
        var torchTime = clock.Elapsed;
        using var engine = HourglassNetwork.Load(model, new HourglassOptions { MaxDegreeOfParallelism = 2 });
        clock.Restart();
        float[] actual = engine.Run(images);
        var engineTime = clock.Elapsed;

        var arch = engine.Architecture;
        Assert.Equal(new HourglassArchitecture(stacks, features, joints, size, size) { Depth = depth, Block = block, ModulesPerLevel = modulesPerLevel }, arch);
        Assert.Equal(expected.Length, actual.Length);
        output.WriteLine($"S={stacks} F={features} J={joints} depth {depth} {ResidualBlockNames.Name(block)} {modulesPerLevel} module(s) per level input {size}x{size} batch {Batch}: {arch.ParameterCount:N0} parameters; " +
            $"convert {convertTime.TotalSeconds:F2} s, libtorch {torchTime.TotalSeconds:F2} s, engine ({engine.Isa}, 2 threads) {engineTime.TotalSeconds:F2} s");
        bool ok = CompareStacks(expected, actual, stacks, arch.Joints * arch.OutputHeight * arch.OutputWidth);
        Assert.True(ok, "a stack's heatmaps differ from libtorch by more than 1e-4 of their largest magnitude (see output)");
    }

    /// <summary>Per stack, max |engine − libtorch| against 1e-4 × max |libtorch| over the batch; prints one line per stack.</summary>
    private bool CompareStacks(float[] expected, float[] actual, int stacks, int plane)
    {
        bool ok = true;
        for (int s = 0; s < stacks; s++)
        {
            double maxAbs = 0, maxRef = 0;
            for (int n = 0; n < Batch; n++)
            {
                int start = (n * stacks + s) * plane;
                for (int i = start; i < start + plane; i++)
                {
                    maxAbs = Math.Max(maxAbs, Math.Abs(actual[i] - expected[i]));
                    maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
                }
            }
            bool within = maxAbs <= RelativeTolerance * maxRef;
            ok &= within;
            output.WriteLine($"  stack {s}: max |engine - libtorch| = {maxAbs:E3}, max |libtorch| = {maxRef:F4}, relative {maxAbs / maxRef:E3} {(within ? "ok" : "FAIL")}");
        }
        return ok;
    }
}

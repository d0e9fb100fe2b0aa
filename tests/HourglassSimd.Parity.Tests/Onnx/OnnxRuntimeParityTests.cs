using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary>
/// Exported models run in ONNX Runtime (CPU) and match <see cref="HourglassNetwork"/> on the same random weights,
/// stack by stack, within 1e-4 of each stack's max |output|. Both with ONNX Runtime's graph optimizations off (the
/// model as written, plain kernels) and all on (its NCHWc layout rewrite and fusions).
/// </summary>
public sealed class OnnxRuntimeParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 8, 17, 64, 128, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(1, 8, 17, 64, 128, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(2, 8, 17, 128, 64, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(2, 8, 17, 128, 64, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(1, 32, 17, 64, 64, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(2, 32, 17, 64, 128, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(2, 32, 17, 64, 128, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(2, 256, 17, 64, 128, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(2, 256, 17, 64, 128, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Exported_model_matches_engine(int stacks, int features, int joints, int height, int width, GraphOptimizationLevel level) =>
        Check(new HourglassArchitecture(stacks, features, joints, height, width), batch: 2, level, output);

    /// <summary>Hourglass depths other than the paper's export and run in ONNX Runtime too.</summary>
    [Theory]
    [InlineData(1, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(2, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(3, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(5, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Other_depths_match_engine(int depth, GraphOptimizationLevel level) =>
        Check(new HourglassArchitecture(2, 16, 16, 128, 128) { Depth = depth }, batch: 1, level, output);

    /// <summary>Depthwise residual blocks export as <c>Conv</c> with <c>group</c> = channels.</summary>
    [Theory]
    [InlineData(4, 32, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(4, 44, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(2, 64, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Depthwise_blocks_match_engine(int depth, int features, GraphOptimizationLevel level) =>
        Check(new HourglassArchitecture(2, features, 16, 128, 128) { Depth = depth, Block = ResidualBlock.Depthwise }, batch: 1, level, output);

    [Theory]
    [InlineData(2, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(3, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    public void Several_modules_per_level_match_engine(int modules, GraphOptimizationLevel level) =>
        Check(new HourglassArchitecture(2, 16, 16, 64, 64) { Depth = 3, ModulesPerLevel = modules }, batch: 1, level, output);

    /// <summary>A pruned network's shape: inner widths on and off multiples of 16, and a stem convolution of 13 channels.</summary>
    [Theory]
    [InlineData(ResidualBlock.Bottleneck, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(ResidualBlock.Depthwise, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    public void Pruned_widths_and_stem_match_engine(ResidualBlock block, GraphOptimizationLevel level) =>
        Check(new HourglassArchitecture(2, 32, 16, 64, 128) { Block = block, StemChannels = 13 } with
        {
            Widths = new ResidualWidths([new("pre.1", 17), new("pre.4", 5), new("hgs.0.0.up1", 1), new("hgs.1.0.low3", 33), new("features.1.0", 9)]),
        }, batch: 2, level, output);

    internal static void Check(HourglassArchitecture arch, int batch, GraphOptimizationLevel level, ITestOutputHelper output)
    {
        var weights = HourglassWeights.CreateRandom(arch, seed: arch.Stacks * 1000 + arch.Features);
        float[] input = TestInputs.Images(arch, batch, seed: 7);
        float[] expected;
        using (var network = HourglassNetwork.Create(arch, weights, new HourglassOptions { MaxDegreeOfParallelism = 2 }))
            expected = network.Run(input);

        byte[] model = HourglassOnnxExporter.ExportToBytes(arch, weights, out var summary);
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 2 };
        using var session = new InferenceSession(model, options);
        long[] inputShape = [batch, 3, arch.InputHeight, arch.InputWidth];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [HourglassOnnxExporter.InputName], [inputValue], [HourglassOnnxExporter.OutputName]);

        var heatmaps = results[0];
        Assert.Equal([batch, arch.Stacks, arch.Joints, arch.OutputHeight, arch.OutputWidth], heatmaps.GetTensorTypeAndShape().Shape);
        StackComparison.AssertStacksClose(arch, batch, expected, heatmaps.GetTensorDataAsSpan<float>(),
            $"{arch}, batch {batch}, {level} ({summary.Nodes} nodes)", output);
    }
}

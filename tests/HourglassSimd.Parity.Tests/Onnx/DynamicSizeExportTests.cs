using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary>
/// A model exported with symbolic height and width runs in ONNX Runtime at several sizes and matches the engine's
/// run of the same weights at each size.
/// </summary>
public sealed class DynamicSizeExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void One_dynamic_model_matches_the_engine_at_several_sizes(GraphOptimizationLevel level)
    {
        var arch = new HourglassArchitecture(2, 16, 11, 64, 64);
        var weights = HourglassWeights.CreateRandom(arch, seed: 12);
        byte[] model = HourglassOnnxExporter.ExportToBytes(arch, weights, out var summary, new OnnxExportOptions { DynamicSize = true });
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 2 };
        using var session = new InferenceSession(model, options);
        Assert.Equal([-1, 3, -1, -1], session.InputMetadata[HourglassOnnxExporter.InputName].Dimensions);
        Assert.Equal(["N", "", "H", "W"], session.InputMetadata[HourglassOnnxExporter.InputName].SymbolicDimensions);
        using var network = HourglassNetwork.Create(arch, weights, new HourglassOptions { MaxDegreeOfParallelism = 2 });

        foreach (var (height, width) in new[] { (64, 64), (128, 64), (64, 192) })
        {
            var sized = arch.WithInputSize(height, width);
            float[] input = TestInputs.Images(sized, batch: 2, seed: height + width);
            float[] expected = network.Run(input, height, width);
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [2L, 3, height, width]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [HourglassOnnxExporter.InputName], [inputValue], [HourglassOnnxExporter.OutputName]);
            Assert.Equal([2L, sized.Stacks, sized.Joints, sized.OutputHeight, sized.OutputWidth], results[0].GetTensorTypeAndShape().Shape);
            StackComparison.AssertStacksClose(sized, 2, expected, results[0].GetTensorDataAsSpan<float>(),
                $"dynamic H, W at {height}x{width}, {level} ({summary.Nodes} nodes)", output);
        }
    }
}

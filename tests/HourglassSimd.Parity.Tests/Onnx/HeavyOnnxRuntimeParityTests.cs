using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary>Full-size exports (hundreds of MB, seconds each): <c>dotnet test --filter Category=Heavy</c>.</summary>
[Trait("Category", "Heavy")]
public sealed class HeavyOnnxRuntimeParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8, 256, 16, 256, 256, 1, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(8, 256, 16, 256, 256, 1, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(2, 256, 16, 256, 256, 2, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(2, 256, 17, 256, 192, 2, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Full_size_export_matches_engine(int stacks, int features, int joints, int height, int width, int batch, GraphOptimizationLevel level) =>
        OnnxRuntimeParityTests.Check(new HourglassArchitecture(stacks, features, joints, height, width), batch, level, output);
}

using BenchmarkDotNet.Attributes;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>The network's 1x1 convolutions (<see cref="ConvShapes.Conv1x1"/>) through the engine's direct convolution.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public class Conv1x1Benchmarks : DirectConvBenchmark
{
    [ParamsSource(nameof(Shapes))]
    public override ConvShape Shape { get; set; } = null!;

    public static IEnumerable<ConvShape> Shapes() => ConvShapes.Conv1x1();
}

using BenchmarkDotNet.Attributes;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>The network's 3x3 convolutions (<see cref="ConvShapes.Conv3x3"/>) through the engine's direct convolution.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public class Conv3x3Benchmarks : DirectConvBenchmark
{
    [ParamsSource(nameof(Shapes))]
    public override ConvShape Shape { get; set; } = null!;

    public static IEnumerable<ConvShape> Shapes() => ConvShapes.Conv3x3();
}

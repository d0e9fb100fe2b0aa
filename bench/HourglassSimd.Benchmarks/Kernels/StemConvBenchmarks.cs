using BenchmarkDotNet.Attributes;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>The stem's 7x7 stride-2 convolution on the plain RGB image (<see cref="ConvShapes.Stem"/>).</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public class StemConvBenchmarks : DirectConvBenchmark
{
    [ParamsSource(nameof(Shapes))]
    public override ConvShape Shape { get; set; } = null!;

    public static IEnumerable<ConvShape> Shapes() => ConvShapes.Stem();
}

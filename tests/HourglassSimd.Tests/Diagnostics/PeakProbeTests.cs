using HourglassSimd.Diagnostics;

namespace HourglassSimd.Tests.Diagnostics;

/// <summary>The peak probes run every path this CPU has and refuse the others (no timing is asserted).</summary>
public sealed class PeakProbeTests
{
    [Theory]
    [InlineData(KernelIsa.Vector128)]
    [InlineData(KernelIsa.Vector256)]
    [InlineData(KernelIsa.Vector512)]
    public void Float_peak_is_positive_for_every_width(KernelIsa isa) =>
        Assert.True(PeakFlops.Measure(isa, threads: 1, TimeSpan.FromMilliseconds(10)) > 0);

    [Fact]
    public void Float_peak_refuses_the_scalar_path() =>
        Assert.Throws<ArgumentException>(() => PeakFlops.Measure(KernelIsa.Scalar, threads: 1));

    [Fact]
    public void Integer_peak_runs_each_supported_sequence_and_refuses_the_others()
    {
        foreach (IntegerDotProduct path in IntegerDotProducts.All)
        {
            if (IntegerDotProducts.IsSupported(path))
                Assert.True(PeakIntegerOps.Measure(path, threads: 1, TimeSpan.FromMilliseconds(10)) > 0, path.ToString());
            else
                Assert.Throws<PlatformNotSupportedException>(() => PeakIntegerOps.Measure(path, threads: 1));
        }
    }

    [Fact]
    public void Products_per_step_follow_the_register_width()
    {
        // u8 x s8 fills a 32-bit lane with 4 products, s16 x s16 with 2: 256 bits hold 8 lanes, 512 bits 16.
        Assert.Equal(32, IntegerDotProducts.ProductsPerStep(IntegerDotProduct.Int8AvxVnni256));
        Assert.Equal(64, IntegerDotProducts.ProductsPerStep(IntegerDotProduct.Int8Avx512BwPair));
        Assert.Equal(32, IntegerDotProducts.ProductsPerStep(IntegerDotProduct.Int8Avx2Pair));
        Assert.Equal(16, IntegerDotProducts.ProductsPerStep(IntegerDotProduct.Int16AvxVnni256));
        Assert.Equal(32, IntegerDotProducts.ProductsPerStep(IntegerDotProduct.Int16Avx512Bw));
    }

    [Fact]
    public void Thread_count_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakFlops.Measure(KernelIsa.Vector256, threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakIntegerOps.Measure(IntegerDotProduct.Int8Avx2Pair, threads: 0));
    }
}

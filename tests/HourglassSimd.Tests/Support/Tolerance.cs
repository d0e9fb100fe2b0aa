namespace HourglassSimd.Tests.Support;

/// <summary>
/// The one place that says how close a SIMD result must be to the reference (accumulated in double).
/// </summary>
internal static class Tolerance
{
    /// <summary>Kernel tolerance, relative to the magnitude of the terms summed (issue: 1e-5 relative).</summary>
    public const double KernelRelative = 1e-5;

    /// <summary>Whole-network tolerance, relative to the largest |value| of the reference output.</summary>
    public const double NetworkRelative = 1e-4;

    /// <summary>
    /// Asserts <c>|actual − expected| ≤ 1e-5 · (scale + 1e-6)</c> element-wise, where <paramref name="scale"/> is
    /// Σ|terms| of that element (for a convolution: Σ|w·x| + |b| + |residual|). Rounding in any summation order
    /// stays far below this; a wrong index, tap or lane does not.
    /// </summary>
    public static void AssertKernelClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, ReadOnlySpan<float> scale, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = KernelRelative * (Math.Abs(scale[i]) + 1e-6);
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= bound))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, reference {expected[i]:R} (error {error:E2} > bound {bound:E2}).");
        }
    }

    /// <summary>Asserts equality up to <c>1e-4 · max|expected|</c> and returns the largest relative error seen.</summary>
    public static double AssertNetworkClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (float v in expected)
            scale = Math.Max(scale, Math.Abs(v));
        Assert.True(scale > 0, $"{what}: the reference output is all zeros, so the comparison would prove nothing.");
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= worst))
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                worstAt = i;
            }
        }
        double relative = worst / scale;
        Assert.True(relative <= NetworkRelative,
            $"{what}: max |difference| {worst:E3} at {worstAt} ({actual[worstAt]:R} vs {expected[worstAt]:R}) is {relative:E2} of max |output| {scale:E3}; allowed {NetworkRelative:E0}.");
        return relative;
    }
}

using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.Support;

/// <summary>Compares two <c>[N, stacks, joints, h, w]</c> outputs stack by stack.</summary>
internal static class StackComparison
{
    /// <summary>The project's whole-network tolerance, relative to the largest |value| of the reference.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// For every stack s: max over images, joints and pixels of |actual − expected|, divided by max |expected| of that
    /// stack. Asserts each is within <see cref="Tolerance"/>, logs them, and returns them.
    /// </summary>
    public static double[] AssertStacksClose(HourglassArchitecture arch, int batch, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual,
        string what, ITestOutputHelper output)
    {
        Assert.Equal(batch * arch.OutputSizePerImage, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        int perStack = arch.Joints * arch.OutputHeight * arch.OutputWidth;
        var errors = new double[arch.Stacks];
        for (int s = 0; s < arch.Stacks; s++)
        {
            double maxDiff = 0, maxAbs = 0;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * arch.Stacks + s) * perStack;
                for (int i = offset; i < offset + perStack; i++)
                {
                    double diff = Math.Abs((double)actual[i] - expected[i]);
                    maxDiff = double.IsNaN(diff) ? double.PositiveInfinity : Math.Max(maxDiff, diff);
                    maxAbs = Math.Max(maxAbs, Math.Abs(expected[i]));
                }
            }
            Assert.True(maxAbs > 0, $"{what}: stack {s} of the reference is all zeros, so the comparison would prove nothing.");
            errors[s] = maxDiff / maxAbs;
        }
        output.WriteLine($"{what}: relative error per stack (max |diff| / max |output|): " +
            string.Join(", ", errors.Select((e, s) => $"stack {s} {e:E2}")));
        for (int s = 0; s < arch.Stacks; s++)
            Assert.True(errors[s] <= Tolerance, $"{what}: stack {s} differs by {errors[s]:E2} of its max |output|; allowed {Tolerance:E0}.");
        return errors;
    }
}

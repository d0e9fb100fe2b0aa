using HourglassSimd.TestSupport;
using HourglassSimd.Kernels;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Kernels;

public sealed class BatchNormFoldingTests
{
    [Theory]
    [InlineData(3, 64, 7, 2, 3, 12)]
    [InlineData(128, 64, 1, 1, 0, 6)]
    [InlineData(20, 24, 3, 1, 1, 5)]
    public void Conv_then_batchnorm_equals_folded_conv(int ic, int oc, int k, int stride, int pad, int size)
    {
        var random = new Random(ic * 31 + oc);
        float[] weights = TestArrays.Uniform(random, oc * ic * k * k);
        float[] bias = TestArrays.Uniform(random, oc);
        float[] gamma = TestArrays.Uniform(random, oc, 0.2f, 3f);
        float[] beta = TestArrays.Uniform(random, oc, -1f, 1f);
        float[] mean = TestArrays.Uniform(random, oc, -2f, 2f);
        float[] variance = TestArrays.Uniform(random, oc, 0.1f, 4f);
        float[] image = TestArrays.Uniform(random, ic * size * size);
        int outSize = (size + 2 * pad - k) / stride + 1;

        // Unfolded: conv, then y = γ(x − μ)/√(σ² + 1e-5) + β written out here independently of the engine.
        var conv = new float[oc * outSize * outSize];
        ReferenceKernels.Conv2d(image, ic, size, size, weights, bias, oc, k, k, stride, pad, conv);
        var expected = new float[conv.Length];
        for (int o = 0; o < oc; o++)
        for (int i = 0; i < outSize * outSize; i++)
            expected[o * outSize * outSize + i] = (float)(gamma[o] * (conv[o * outSize * outSize + i] - mean[o]) / Math.Sqrt(variance[o] + 1e-5) + beta[o]);

        var (foldedWeights, foldedBias) = BatchNormFolding.FoldIntoConv(weights, bias, gamma, beta, mean, variance);
        var actual = new float[conv.Length];
        ReferenceKernels.Conv2d(image, ic, size, size, foldedWeights, foldedBias, oc, k, k, stride, pad, actual);

        var scale = new float[conv.Length];
        ReferenceKernels.Conv2d(TestArrays.Abs(image), ic, size, size, TestArrays.Abs(foldedWeights), TestArrays.Abs(foldedBias), oc, k, k, stride, pad, scale);
        for (int i = 0; i < scale.Length; i++)
            scale[i] += Math.Abs(expected[i]);
        Tolerance.AssertKernelClose(expected, actual, scale, "folded conv");
    }

    [Fact]
    public void ScaleShift_matches_batchnorm_formula()
    {
        var (scale, shift) = BatchNormFolding.ScaleShift([2f], [0.5f], [3f], [4f - 1e-5f]);
        // x = 5: 2·(5 − 3)/√4 + 0.5 = 2.5
        Assert.Equal(2.5f, 5 * scale[0] + shift[0], 5);
    }
}

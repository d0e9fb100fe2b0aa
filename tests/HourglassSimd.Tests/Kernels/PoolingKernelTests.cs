using HourglassSimd.TestSupport;
using FsCheck.Xunit;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;

namespace HourglassSimd.Tests.Kernels;

/// <summary><see cref="MaxPool2x2"/> and <see cref="UpsampleNearest2xAdd"/> (every <see cref="SimdKernelSet"/>) against the reference.</summary>
public sealed unsafe class PoolingKernelTests
{
    [Property(MaxTest = 100)]
    public void MaxPool_matches_reference(byte c, byte h, byte w, int seed)
    {
        foreach (var kernels in SimdKernelSet.All)
            CheckMaxPool(kernels, c, h, w, seed);
    }

    private static void CheckMaxPool(SimdKernelSet kernels, byte c, byte h, byte w, int seed)
    {
        int channels = c % 40 + 1, oh = h % 12 + 1, ow = w % 12 + 1;
        var random = new Random(seed);
        float[] image = TestArrays.Uniform(random, channels * 4 * oh * ow);
        var expected = new float[channels * oh * ow];
        ReferenceKernels.MaxPool2x2(image, channels, 2 * oh, 2 * ow, expected);

        var inLayout = new ActivationLayout(channels, 2 * oh, 2 * ow, 16, 0);
        var outLayout = new ActivationLayout(channels, oh, ow, 16, 0);
        var input = new float[inLayout.Size];
        var output = new float[outLayout.Size];
        Array.Fill(output, float.NaN);
        var actual = new float[expected.Length];
        fixed (float* pin = input, pout = output)
        {
            inLayout.PackFrom(image, pin);
            kernels.MaxPool2x2(pin, inLayout.GroupStride, pout, outLayout.GroupStride, inLayout.Groups, oh, ow);
            outLayout.UnpackTo(pout, actual);
        }
        // A maximum is exact: no rounding is involved.
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kernels} maxpool {channels} @{oh}x{ow} seed={seed}");
    }

    [Property(MaxTest = 100)]
    public void UpsampleAdd_matches_reference(byte c, byte h, byte w, int seed)
    {
        foreach (var kernels in SimdKernelSet.All)
            CheckUpsampleAdd(kernels, c, h, w, seed);
    }

    private static void CheckUpsampleAdd(SimdKernelSet kernels, byte c, byte h, byte w, int seed)
    {
        int channels = c % 40 + 1, lh = h % 12 + 1, lw = w % 12 + 1;
        var random = new Random(seed);
        float[] low = TestArrays.Uniform(random, channels * lh * lw);
        float[] target = TestArrays.Uniform(random, channels * 4 * lh * lw);
        var expected = (float[])target.Clone();
        ReferenceKernels.UpsampleNearest2x(low, channels, lh, lw, expected, accumulate: true);

        var lowLayout = new ActivationLayout(channels, lh, lw, 16, 0);
        var highLayout = new ActivationLayout(channels, 2 * lh, 2 * lw, 16, 0);
        var lowBuffer = new float[lowLayout.Size];
        var highBuffer = new float[highLayout.Size];
        var actual = new float[expected.Length];
        fixed (float* pl = lowBuffer, ph = highBuffer)
        {
            lowLayout.PackFrom(low, pl);
            highLayout.PackFrom(target, ph);
            kernels.UpsampleNearest2xAdd(pl, lowLayout.GroupStride, ph, highLayout.GroupStride, lowLayout.Groups, lh, lw);
            highLayout.UnpackTo(ph, actual);
        }
        // One float addition per element, in the same order as the reference: bit-exact.
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kernels} upsample+add {channels} @{lh}x{lw} seed={seed}");
    }

    [Fact]
    public void Reference_maxpool_of_upsample_is_identity()
    {
        var random = new Random(3);
        float[] x = TestArrays.Uniform(random, 5 * 3 * 4);
        var up = new float[5 * 6 * 8];
        ReferenceKernels.UpsampleNearest2x(x, 5, 3, 4, up, accumulate: false);
        var back = new float[x.Length];
        ReferenceKernels.MaxPool2x2(up, 5, 6, 8, back);
        Assert.Equal(x, back);
    }
}

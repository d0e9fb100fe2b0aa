using FsCheck.Xunit;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Kernels.Int8;

/// <summary>
/// <see cref="QuantizedPooling"/> and <see cref="QuantizedPreActivation"/> against their references in
/// <see cref="QuantizedReferenceKernels"/>, bit for bit, on strided maps whose padding must stay untouched.
/// </summary>
public sealed unsafe class QuantizedMapOperationsTests
{
    private const byte Sentinel = 0xA5;

    [Property(MaxTest = 100)]
    public void Max_pooling_equals_the_reference(byte size, byte channels, byte extra, int seed)
    {
        int height = 2 * (size % 6 + 1), width = 2 * (size / 6 % 7 + 1), c = channels % 70 + 1, stride = c + extra % 3 * 16;
        var random = new Random(seed);
        var dense = new byte[height * width * c];
        random.NextBytes(dense);
        var expected = new byte[height / 2 * (width / 2) * c];
        QuantizedReferenceKernels.MaxPool2x2(dense, height, width, c, expected);

        byte[] input = Strided(dense, height * width, c, stride, random);
        var actual = new byte[height / 2 * (width / 2) * stride];
        actual.AsSpan().Fill(Sentinel);
        fixed (byte* x = input, y = actual)
        {
            var args = new QuantizedMapArgs
            {
                Input = x, InRowStride = (nint)width * stride, InPixelStride = stride,
                Output = y, OutRowStride = (nint)(width / 2) * stride, OutPixelStride = stride, Width = width / 2, Channels = c,
            };
            for (int r = 0; r < height / 2; r++)
                QuantizedPooling.MaxPool2x2Row(args, r);
        }
        AssertStrided(expected, actual, c, stride, $"max pool {height}x{width}x{c} stride {stride}");
    }

    [Property(MaxTest = 100)]
    public void Upsample_add_equals_the_reference(byte size, byte channels, byte lowZero, byte skipZero, byte outZero, byte extra, int seed)
    {
        int height = 2 * (size % 6 + 1), width = 2 * (size / 6 % 7 + 1), c = channels % 70 + 1, stride = c + extra % 3 * 16;
        var random = new Random(seed);
        var low = new byte[height / 2 * (width / 2) * c];
        var skip = new byte[height * width * c];
        random.NextBytes(low);
        random.NextBytes(skip);
        float lowMultiplier = (float)Math.Exp(random.NextDouble() * 4 - 2), skipMultiplier = (float)Math.Exp(random.NextDouble() * 4 - 2);
        var expected = new byte[height * width * c];
        QuantizedReferenceKernels.UpsampleAdd(low, lowZero, lowMultiplier, skip, skipZero, skipMultiplier, height, width, c, outZero, expected);

        byte[] lowStrided = Strided(low, height / 2 * (width / 2), c, stride, random), skipStrided = Strided(skip, height * width, c, stride, random);
        var actual = new byte[height * width * stride];
        actual.AsSpan().Fill(Sentinel);
        fixed (byte* l = lowStrided, s = skipStrided, y = actual)
        {
            var args = new QuantizedMapArgs
            {
                Input = l, InRowStride = (nint)(width / 2) * stride, InPixelStride = stride, InputZeroPoint = lowZero, InputMultiplier = lowMultiplier,
                Skip = s, SkipRowStride = (nint)width * stride, SkipPixelStride = stride, SkipZeroPoint = skipZero, SkipMultiplier = skipMultiplier,
                Output = y, OutRowStride = (nint)width * stride, OutPixelStride = stride, OutputZeroPoint = outZero, Width = width, Channels = c,
            };
            for (int r = 0; r < height; r++)
                QuantizedPooling.UpsampleAddRow(args, r);
        }
        AssertStrided(expected, actual, c, stride, $"upsample-add {height}x{width}x{c} stride {stride} zero points {lowZero}/{skipZero}/{outZero}");
    }

    [Property(MaxTest = 100)]
    public void Pre_activation_equals_the_reference(byte size, byte channels, byte inZero, byte outZero, byte extra, int seed)
    {
        int pixels = size % 40 + 1, c = channels % 70 + 1, stride = c + extra % 3 * 16;
        var random = new Random(seed);
        var dense = new byte[pixels * c];
        random.NextBytes(dense);
        // Scales of both signs and shifts around zero, as trained batch norms have; the arrays are padded to 8.
        var multipliers = new float[(c + 7) & ~7];
        var offsets = new float[multipliers.Length];
        for (int i = 0; i < c; i++)
        {
            multipliers[i] = (float)((random.NextDouble() * 2 - 0.5) * Math.Exp(random.NextDouble() * 2 - 1));
            offsets[i] = (float)(random.NextDouble() * 100 - 50);
        }
        var expected = new byte[pixels * c];
        QuantizedReferenceKernels.PreActivation(dense, pixels, c, inZero, multipliers, offsets, outZero, expected);

        byte[] input = Strided(dense, pixels, c, stride, random);
        var actual = new byte[pixels * stride];
        actual.AsSpan().Fill(Sentinel);
        fixed (byte* x = input, y = actual)
        fixed (float* m = multipliers, o = offsets)
        {
            var args = new QuantizedMapArgs
            {
                Input = x, InRowStride = (nint)pixels * stride, InPixelStride = stride, InputZeroPoint = inZero,
                Output = y, OutRowStride = (nint)pixels * stride, OutPixelStride = stride, OutputZeroPoint = outZero, Width = pixels, Channels = c,
            };
            QuantizedPreActivation.Row(args, m, o, 0);
        }
        AssertStrided(expected, actual, c, stride, $"pre-activation {pixels}x{c} stride {stride} zero points {inZero}/{outZero}");
    }

    [Theory]
    [InlineData(10, 0, 0.5f, 0, 0, 1f, 0, 5)]        // 2.5 rounds to even
    [InlineData(7, 0, 0.5f, 0, 0, 1f, 0, 4)]         // 3.5 rounds to even
    [InlineData(0, 100, 1f, 0, 0, 1f, 50, 0)]        // −100 + 50 clamps at 0
    [InlineData(255, 0, 1f, 255, 0, 1f, 0, 255)]     // clamps at 255
    [InlineData(130, 128, 2f, 120, 128, 0.25f, 128, 130)] // 2·2 + (−8)·0.25 = 2, + 128
    public void The_add_rounds_half_to_even_and_clamps(byte a, int aZero, float aMultiplier, byte b, int bZero, float bMultiplier, int outZero, byte expected) =>
        Assert.Equal(expected, Requantization.AddToUInt8(a, aZero, aMultiplier, b, bZero, bMultiplier, outZero));

    private static byte[] Strided(byte[] dense, int pixels, int channels, int stride, Random random)
    {
        var strided = new byte[pixels * stride];
        random.NextBytes(strided);
        for (int p = 0; p < pixels; p++)
            dense.AsSpan(p * channels, channels).CopyTo(strided.AsSpan(p * stride));
        return strided;
    }

    private static void AssertStrided(byte[] expected, byte[] actual, int channels, int stride, string what)
    {
        for (int p = 0; p < expected.Length / channels; p++)
        {
            for (int i = 0; i < channels; i++)
                Assert.True(expected[p * channels + i] == actual[p * stride + i], $"{what}: pixel {p} channel {i}: expected {expected[p * channels + i]}, got {actual[p * stride + i]}");
            for (int i = channels; i < stride; i++)
                Assert.True(actual[p * stride + i] == Sentinel, $"{what}: pixel {p} byte {i} past the channels was written");
        }
    }
}

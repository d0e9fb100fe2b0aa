using FsCheck.Xunit;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Kernels.Int8;

/// <summary>
/// <see cref="Int8DepthwiseConv3x3"/>, packed by <see cref="PackedInt8DepthwiseConv"/> and bound to channel-last maps
/// with halos, against <see cref="QuantizedReferenceKernels.Depthwise3x3"/>: equal bit for bit.
/// </summary>
public sealed unsafe class Int8DepthwiseConvTests
{
    [Property(MaxTest = 150)]
    public void Equals_the_reference(byte size, byte channels, byte xzp, byte yzp, bool relu, int seed) =>
        Check(size % 9 + 1, size / 9 % 14 + 1, channels % 50 + 1, xzp, yzp, relu, outHalo: seed & 1, seed);

    [Theory]
    [InlineData(32, 32, 24, 1)]   // a pruned stem module's conv2 at the stem's 32x32 (64x64 input)
    [InlineData(8, 8, 128, 0)]    // the paper's width at an inner level
    [InlineData(1, 1, 1, 0)]      // every tap but the centre in the halo
    [InlineData(4, 200, 17, 1)]   // channels off every multiple, a long row
    public void Network_like_shapes_equal_the_reference(int height, int width, int channels, int outHalo) =>
        Check(height, width, channels, 37, 5, relu: true, outHalo, seed: height * 100 + channels);

    [Fact]
    public void Sums_that_a_16_bit_accumulator_would_overflow_stay_exact()
    {
        // 9 taps of 255 · 127 = 291,465 against an input zero point of 0: only an int32 sum holds it.
        var input = new QuantizedLayout(1, 3, 3, 1);
        var bytes = new byte[input.Size];
        Array.Fill(bytes, (byte)255);
        fixed (byte* b = bytes)
            input.FillHalo(b, (byte)0);
        var weights = new QuantizedConvWeights(Enumerable.Repeat((sbyte)127, 9).ToArray(), [1f], [0f], new ActivationQuantization(1f, 0), new ActivationQuantization(2048f, 0));
        var expected = new byte[9];
        QuantizedReferenceKernels.Depthwise3x3(Enumerable.Repeat((byte)255, 9).ToArray(), 3, 3, 1, 0, weights.Weights, weights.BiasQ, weights.Multipliers, 0, relu: false, expected);
        Assert.Equal(Requantization.ToUInt8(9 * 255 * 127, 1f / 2048, 0, relu: false), expected[4]); // 142
        Assert.Equal(expected, Run(weights, new ActivationQuantization(1f, 0), new ActivationQuantization(2048f, 0), relu: false, input, bytes, outHalo: 0));
    }

    private static void Check(int height, int width, int channels, byte xzp, byte yzp, bool relu, int outHalo, int seed)
    {
        var random = new Random(seed);
        var inQ = new ActivationQuantization((float)Math.Exp(random.NextDouble() * 4 - 4), xzp);
        var outQ = new ActivationQuantization((float)Math.Exp(random.NextDouble() * 4 - 3), yzp);
        var values = new sbyte[channels * 9];
        for (int i = 0; i < values.Length; i++)
            values[i] = (sbyte)random.Next(-127, 128);
        float[] scales = [.. Enumerable.Range(0, channels).Select(_ => (float)Math.Exp(random.NextDouble() * 4 - 7))];
        float[] bias = [.. Enumerable.Range(0, channels).Select(_ => random.NextSingle() * 4 - 2)];
        var weights = new QuantizedConvWeights(values, scales, bias, inQ, outQ);

        // The kernel's input: a halo of the zero point, garbage in the padding channels.
        var layout = new QuantizedLayout(channels, height, width, 1);
        var bytes = new byte[layout.Size];
        random.NextBytes(bytes);
        fixed (byte* b = bytes)
            layout.FillHalo(b, xzp);
        var dense = new byte[height * width * channels];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            bytes.AsSpan((int)(layout.Origin + y * layout.RowStride + x * layout.PixelStride), channels).CopyTo(dense.AsSpan((y * width + x) * channels));

        var expected = new byte[dense.Length];
        QuantizedReferenceKernels.Depthwise3x3(dense, height, width, channels, xzp, weights.Weights, weights.BiasQ, weights.Multipliers, yzp, relu, expected);
        Assert.Equal(expected, Run(weights, inQ, outQ, relu, layout, bytes, outHalo));
    }

    /// <summary>Runs the kernel (items in reverse order, as threads may) and returns the output's interior as a dense map.</summary>
    private static byte[] Run(QuantizedConvWeights weights, ActivationQuantization inQ, ActivationQuantization outQ, bool relu, QuantizedLayout inLayout, byte[] input, int outHalo)
    {
        var packed = new PackedInt8DepthwiseConv(weights, inQ, outQ, relu);
        var outLayout = new QuantizedLayout(inLayout.Channels, inLayout.Height, inLayout.Width, outHalo);
        var output = new byte[outLayout.Size];
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            var args = packed.Bind(i, inLayout, o, outLayout);
            for (int item = Int8DepthwiseConv3x3.ItemCount(args) - 1; item >= 0; item--)
                Int8DepthwiseConv3x3.RunItem(args, item);
        }
        int channels = inLayout.Channels;
        var dense = new byte[inLayout.Height * inLayout.Width * channels];
        for (int y = 0; y < inLayout.Height; y++)
        for (int x = 0; x < inLayout.Width; x++)
            output.AsSpan((int)(outLayout.Origin + y * outLayout.RowStride + x * outLayout.PixelStride), channels).CopyTo(dense.AsSpan((y * inLayout.Width + x) * channels));
        return dense;
    }
}

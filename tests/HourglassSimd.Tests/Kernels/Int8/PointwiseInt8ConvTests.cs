using FsCheck.Xunit;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Kernels.Int8;

/// <summary>
/// <see cref="PointwiseInt8Conv"/> on every dot-product path this CPU has, against
/// <see cref="QuantizedReferenceKernels.PointwiseConv"/>: integer kernels must be equal bit for bit.
/// </summary>
public sealed unsafe class PointwiseInt8ConvTests
{
    public sealed record Case(int Pixels, int InChannels, int OutChannels, byte InputZeroPoint, byte OutputZeroPoint, bool Relu,
        int ExtraInStride, int ExtraOutStride, int Seed)
    {
        public override string ToString() =>
            $"{Pixels} px {InChannels}->{OutChannels} x_zp={InputZeroPoint} y_zp={OutputZeroPoint} relu={Relu} " +
            $"stride+{ExtraInStride}/+{ExtraOutStride} seed={Seed}";
    }

    private static Case MakeCase(byte pixels, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed) =>
        new(pixels % 40 + 1, ic % 70 + 1, oc % 40 + 1, xzp, yzp, (flags & 1) != 0, (flags >> 1) % 3 * 4, (flags >> 3) % 3 * 16, seed);

    [Property(MaxTest = 150)]
    public void Vnni_path_equals_the_reference(byte pixels, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (VnniDotProduct256.IsSupported)
            Check<VnniDotProduct256>(MakeCase(pixels, ic, oc, xzp, yzp, flags, seed), sbyte.MinValue, sbyte.MaxValue);
    }

    [Property(MaxTest = 150)]
    public void Pair_path_equals_the_reference_for_7_bit_weights(byte pixels, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (PairDotProduct256.IsSupported)
            Check<PairDotProduct256>(MakeCase(pixels, ic, oc, xzp, yzp, flags, seed), PointwiseInt8Conv.MinPairWeight, PointwiseInt8Conv.MaxPairWeight);
    }

    [Property(MaxTest = 150)]
    public void Avx512_pair_path_equals_the_reference_for_7_bit_weights(byte pixels, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
            Check<PairDotProduct256>(MakeCase(pixels, ic, oc, xzp, yzp, flags, seed), PointwiseInt8Conv.MinPairWeight, PointwiseInt8Conv.MaxPairWeight, wide: true);
    }

    [Fact]
    public void Paths_exist_on_this_cpu_or_the_properties_say_nothing()
    {
        // The properties return early on a CPU without the path; on x64 with AVX2 at least the pair path must run.
        Assert.True(PairDotProduct256.IsSupported || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.True(VnniDotProduct256.TakesFullRangeWeights);
        Assert.False(PairDotProduct256.TakesFullRangeWeights);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(6, 16, 16)]     // one whole tile and group
    [InlineData(7, 128, 256)]   // a residual 1x1 of the paper's width, tile remainder 1
    [InlineData(13, 3, 17)]     // channels off every multiple
    public void Network_like_shapes_equal_the_reference(int pixels, int ic, int oc)
    {
        var c = new Case(pixels, ic, oc, 7, 3, Relu: true, 0, 0, Seed: pixels * 1000 + ic);
        if (VnniDotProduct256.IsSupported)
            Check<VnniDotProduct256>(c, sbyte.MinValue, sbyte.MaxValue);
        if (PairDotProduct256.IsSupported)
            Check<PairDotProduct256>(c, PointwiseInt8Conv.MinPairWeight, PointwiseInt8Conv.MaxPairWeight);
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
            Check<PairDotProduct256>(c, PointwiseInt8Conv.MinPairWeight, PointwiseInt8Conv.MaxPairWeight, wide: true);
    }

    [Fact]
    public void Pair_path_saturates_with_full_range_weights_which_is_why_it_takes_7_bits()
    {
        if (!PairDotProduct256.IsSupported)
            return;
        // 255 · 127 + 255 · 127 = 64,770 does not fit the int16 of vpmaddubsw; the reference sums it exactly.
        var c = new Case(1, 4, 1, 0, 0, Relu: false, 0, 0, Seed: 1);
        byte[] input = [255, 255, 255, 255];
        sbyte[] weights = [127, 127, 127, 127];
        byte[] expected = new byte[1], actual = new byte[16];
        float[] multipliers = [1f / 1024];
        QuantizedReferenceKernels.PointwiseConv(input, 1, 4, 0, weights, [0], 1, multipliers, 0, relu: false, expected);
        RunKernel<PairDotProduct256>(c, input, weights, [0], multipliers, actual, inStride: 4, outStride: 16);
        Assert.Equal(Requantization.ToUInt8(4 * 255 * 127, 1f / 1024, 0, relu: false), expected[0]);
        Assert.NotEqual(expected[0], actual[0]);
    }

    [Theory]
    [InlineData(5, 0.5f, 0, false, 2)]       // 2.5 rounds to even
    [InlineData(7, 0.5f, 0, false, 4)]       // 3.5 rounds to even
    [InlineData(-7, 0.5f, 10, false, 6)]     // −3.5 → −4, + zero point
    [InlineData(-7, 0.5f, 10, true, 10)]     // ReLU clamps at the zero point (real 0)
    [InlineData(1000, 1f, 0, false, 255)]    // saturates high
    [InlineData(-1000, 1f, 3, false, 0)]     // saturates low
    [InlineData(int.MaxValue, 1e30f, 0, false, 255)]
    public void Requantization_rounds_half_to_even_then_adds_the_zero_point_then_clamps(int accumulator, float multiplier, int zeroPoint, bool relu, byte expected) =>
        Assert.Equal(expected, Requantization.ToUInt8(accumulator, multiplier, zeroPoint, relu));

    private static void Check<TDot>(Case c, int minWeight, int maxWeight, bool wide = false) where TDot : struct, IInt8DotProduct256
    {
        var random = new Random(c.Seed);
        int inPadded = PointwiseInt8Conv.PaddedInChannels(c.InChannels);
        int outPadded = PointwiseInt8Conv.PaddedOutChannels(c.OutChannels);
        int inStride = inPadded + c.ExtraInStride, outStride = outPadded + c.ExtraOutStride;

        var dense = new byte[c.Pixels * c.InChannels];
        random.NextBytes(dense);
        // The kernel's input has padding bytes with garbage in them: packed weights are zero there.
        var strided = new byte[c.Pixels * inStride];
        random.NextBytes(strided);
        for (int p = 0; p < c.Pixels; p++)
            dense.AsSpan(p * c.InChannels, c.InChannels).CopyTo(strided.AsSpan(p * inStride));

        var weights = new sbyte[c.OutChannels * c.InChannels];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (sbyte)random.Next(minWeight, maxWeight + 1);
        var biasQ = Enumerable.Range(0, c.OutChannels).Select(_ => random.Next(-200_000, 200_000)).ToArray();
        var multipliers = Enumerable.Range(0, c.OutChannels).Select(_ => (float)Math.Exp(random.NextDouble() * 8 - 12)).ToArray();

        var expected = new byte[c.Pixels * c.OutChannels];
        QuantizedReferenceKernels.PointwiseConv(dense, c.Pixels, c.InChannels, c.InputZeroPoint, weights, biasQ, c.OutChannels,
            multipliers, c.OutputZeroPoint, c.Relu, expected);

        const byte Sentinel = 0xA5;
        var actual = new byte[c.Pixels * outStride];
        actual.AsSpan().Fill(Sentinel);
        var starts = new int[c.OutChannels];
        for (int o = 0; o < c.OutChannels; o++)
            starts[o] = Requantization.StartValue(biasQ[o], weights.AsSpan(o * c.InChannels, c.InChannels), c.InputZeroPoint);
        RunKernel<TDot>(c, strided, weights, starts, multipliers, actual, inStride, outStride, wide);

        for (int p = 0; p < c.Pixels; p++)
        {
            for (int o = 0; o < c.OutChannels; o++)
                Assert.True(expected[p * c.OutChannels + o] == actual[p * outStride + o],
                    $"{(wide ? "Avx512BW pair" : typeof(TDot).Name)} {c}: pixel {p} channel {o}: expected {expected[p * c.OutChannels + o]}, got {actual[p * outStride + o]}");
            for (int o = outPadded; o < outStride; o++)
                Assert.True(actual[p * outStride + o] == Sentinel, $"{typeof(TDot).Name} {c}: pixel {p} byte {o} past the padded channels was written");
        }
    }

    private static void RunKernel<TDot>(Case c, byte[] input, sbyte[] weights, int[] starts, float[] multipliers, byte[] output,
        int inStride, int outStride, bool wide = false) where TDot : struct, IInt8DotProduct256
    {
        int outPadded = PointwiseInt8Conv.PaddedOutChannels(c.OutChannels);
        sbyte[] packed = PointwiseInt8Conv.PackWeights(weights, c.OutChannels, c.InChannels);
        var paddedStarts = new int[outPadded];
        starts.CopyTo(paddedStarts, 0);
        var paddedMultipliers = new float[outPadded];
        paddedMultipliers.AsSpan().Fill(1f);
        multipliers.CopyTo(paddedMultipliers, 0);
        fixed (byte* x = input, y = output)
        fixed (sbyte* w = packed)
        fixed (int* s = paddedStarts)
        fixed (float* m = paddedMultipliers)
        {
            var args = new PointwiseInt8Args
            {
                Input = x, InPixelStride = inStride, Pixels = c.Pixels, InChannelsPadded = PointwiseInt8Conv.PaddedInChannels(c.InChannels),
                Weights = w, OutChannelsPadded = outPadded, StartValues = s, Multipliers = m,
                OutputZeroPoint = c.OutputZeroPoint, Relu = c.Relu, Output = y, OutPixelStride = outStride,
            };
            if (wide)
                PointwiseInt8Conv.Run512(args);
            else
                PointwiseInt8Conv.Run<TDot>(args);
        }
    }
}

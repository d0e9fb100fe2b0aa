using FsCheck.Xunit;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Kernels.Int8;

/// <summary>
/// <see cref="Int8DirectConv"/> (1x1, 3x3 and the 7x7/2 stem) on every dot-product path this CPU has, against
/// <see cref="QuantizedReferenceKernels.Conv"/>: integer kernels must be equal bit for bit.
/// </summary>
public sealed unsafe class Int8DirectConvTests
{
    public sealed record Case(int Height, int Width, int InChannels, int OutChannels, int KernelSize, int Stride, byte InputZeroPoint,
        byte OutputZeroPoint, bool Relu, int ExtraInStride, int ExtraOutStride, int Seed, bool Residual = false, bool FloatOutput = false)
    {
        /// <summary>With a float output: a float residual added to it (odd seeds).</summary>
        public bool FloatResidual => FloatOutput && (Seed & 1) != 0;

        /// <summary>With a float output: no u8 output at all (seeds with bit 1 set).</summary>
        public bool FloatOnly => FloatOutput && (Seed & 2) != 0;

        public int Pad => KernelSize / 2;

        public int OutHeight => (Height + 2 * Pad - KernelSize) / Stride + 1;

        public int OutWidth => (Width + 2 * Pad - KernelSize) / Stride + 1;

        public override string ToString() =>
            $"{Height}x{Width} {InChannels}->{OutChannels} k{KernelSize}/s{Stride} x_zp={InputZeroPoint} y_zp={OutputZeroPoint} relu={Relu} " +
            $"stride+{ExtraInStride}/+{ExtraOutStride} seed={Seed}{(Residual ? " +residual" : "")}{(FloatOutput ? " +float" : "")}{(FloatResidual ? " +float residual" : "")}{(FloatOnly ? " float only" : "")}";
    }

    /// <summary>1x1 (a third of the cases), 3x3 stride 1 (a half) or 7x7 stride 2 (the rest), sizes and channels off every multiple.</summary>
    private static Case MakeCase(byte size, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        (int k, int s) = (size % 6) switch { 0 or 1 => (1, 1), 5 => (7, 2), _ => (3, 1) };
        int channelCap = k == 7 ? 9 : 70;
        return new(size % 9 + 1, size / 9 % 13 + 1, ic % channelCap + 1, oc % 40 + 1, k, s, xzp, yzp, (flags & 1) != 0,
            (flags >> 1) % 3 * 4, (flags >> 3) % 3 * 16, seed, Residual: (flags & 0x40) != 0, FloatOutput: (flags & 0x80) != 0);
    }

    [Property(MaxTest = 150)]
    public void Vnni_path_equals_the_reference(byte size, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (VnniDotProduct256.IsSupported)
            Check<VnniDotProduct256>(MakeCase(size, ic, oc, xzp, yzp, flags, seed), sbyte.MinValue, sbyte.MaxValue);
    }

    [Property(MaxTest = 150)]
    public void Pair_path_equals_the_reference_for_7_bit_weights(byte size, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (PairDotProduct256.IsSupported)
            Check<PairDotProduct256>(MakeCase(size, ic, oc, xzp, yzp, flags, seed), Int8DirectConv.MinPairWeight, Int8DirectConv.MaxPairWeight);
    }

    [Property(MaxTest = 150)]
    public void Avx512_pair_path_equals_the_reference_for_7_bit_weights(byte size, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed)
    {
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
            Check<PairDotProduct256>(MakeCase(size, ic, oc, xzp, yzp, flags, seed), Int8DirectConv.MinPairWeight, Int8DirectConv.MaxPairWeight, wide: true);
    }

    [Property(MaxTest = 100)]
    public void Scalar_path_equals_the_reference(byte size, byte ic, byte oc, byte xzp, byte yzp, byte flags, int seed) =>
        Check<PairDotProduct256>(MakeCase(size, ic, oc, xzp, yzp, flags, seed), sbyte.MinValue, sbyte.MaxValue, scalar: true);

    [Fact]
    public void Paths_exist_on_this_cpu_or_the_properties_say_nothing()
    {
        // The properties return early on a CPU without the path; on x64 with AVX2 at least the pair path must run.
        Assert.True(PairDotProduct256.IsSupported || !System.Runtime.Intrinsics.X86.Avx2.IsSupported);
        Assert.True(VnniDotProduct256.TakesFullRangeWeights);
        Assert.False(PairDotProduct256.TakesFullRangeWeights);
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(1, 6, 16, 16, 1, 1)]     // one whole tile and group
    [InlineData(1, 7, 128, 256, 1, 1)]   // a residual 1x1 of the paper's width, tile remainder 1
    [InlineData(1, 13, 3, 17, 1, 1)]     // channels off every multiple
    [InlineData(8, 8, 128, 128, 3, 1)]   // a residual 3x3 of the paper's width at the innermost hourglass level
    [InlineData(5, 13, 21, 21, 3, 1)]    // a pruned 3x3: tiles, groups and channels all partial
    [InlineData(16, 16, 3, 64, 7, 2)]    // the stem at a 16x16 input
    [InlineData(4, 8, 64, 128, 1, 1, true)] // a residual module's conv3 with its shortcut
    [InlineData(8, 8, 64, 16, 1, 1, false, true)] // a heatmap head, dequantized to float too
    [InlineData(2, 200, 16, 24, 1, 1)]   // rows of three work items (segments of 96, 96 and 8 pixels), a narrow pruned 1x1
    [InlineData(2, 103, 24, 24, 3, 1)]   // a pruned 3x3 whose second segment is one tile and a pixel
    [InlineData(1, 200, 16, 128, 1, 1, true, true)] // a flattened 64x64-style 1x1 to float with its shortcut, several segments
    public void Network_like_shapes_equal_the_reference(int height, int width, int ic, int oc, int kernel, int stride, bool residual = false, bool floatOutput = false)
    {
        var c = new Case(height, width, ic, oc, kernel, stride, 7, 3, Relu: !residual && !floatOutput, 0, 0, Seed: height * 1000 + width * 10 + ic, residual, floatOutput);
        CheckEveryPath(c);
    }

    /// <summary>Every path this CPU has, each with the weight range it computes exactly, and the scalar path.</summary>
    private static void CheckEveryPath(Case c)
    {
        if (VnniDotProduct256.IsSupported)
            Check<VnniDotProduct256>(c, sbyte.MinValue, sbyte.MaxValue);
        if (PairDotProduct256.IsSupported)
            Check<PairDotProduct256>(c, Int8DirectConv.MinPairWeight, Int8DirectConv.MaxPairWeight);
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
            Check<PairDotProduct256>(c, Int8DirectConv.MinPairWeight, Int8DirectConv.MaxPairWeight, wide: true);
        Check<PairDotProduct256>(c, sbyte.MinValue, sbyte.MaxValue, scalar: true);
    }

    [Theory]
    [InlineData(1)] // float residual, u8 output too
    [InlineData(2)] // float output only
    [InlineData(3)] // float residual, float output only: a residual module's conv3 on the float residual stream
    public void Float_outputs_with_a_float_residual_or_without_the_u8_output_equal_the_reference(int seed)
    {
        foreach (var (height, width, ic, oc, k) in new[] { (4, 13, 64, 128, 1), (5, 7, 21, 37, 3) })
        {
            var c = new Case(height, width, ic, oc, k, 1, 5, 0, Relu: false, 0, 0, Seed: seed, FloatOutput: true);
            Assert.Equal((seed & 1) != 0, c.FloatResidual);
            Assert.Equal((seed & 2) != 0, c.FloatOnly);
            CheckEveryPath(c);
        }
    }

    [Fact]
    public void Pair_path_saturates_with_full_range_weights_which_is_why_it_takes_7_bits()
    {
        if (!PairDotProduct256.IsSupported)
            return;
        // 255 · 127 + 255 · 127 = 64,770 does not fit the int16 of vpmaddubsw; the reference sums it exactly.
        var c = new Case(1, 1, 4, 1, 1, 1, 0, 0, Relu: false, 0, 0, Seed: 1);
        byte[] input = [255, 255, 255, 255];
        sbyte[] weights = [127, 127, 127, 127];
        byte[] expected = new byte[1], actual = new byte[16];
        float[] multipliers = [1f / 1024];
        QuantizedReferenceKernels.Conv(input, 1, 1, 4, 0, weights, [0], 1, 1, 1, 0, multipliers, 0, relu: false, expected);
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

    private static void Check<TDot>(Case c, int minWeight, int maxWeight, bool wide = false, bool scalar = false) where TDot : struct, IInt8DotProduct256
    {
        var random = new Random(c.Seed);
        int inPadded = Int8DirectConv.PaddedInChannels(c.InChannels);
        int outPadded = Int8DirectConv.PaddedOutChannels(c.OutChannels);
        int inStride = inPadded + c.ExtraInStride, outStride = outPadded + c.ExtraOutStride;

        var dense = new byte[c.Height * c.Width * c.InChannels];
        random.NextBytes(dense);
        // The kernel's input carries a halo of the zero point, and channel padding with garbage in it (packed weights
        // are zero there).
        int paddedHeight = c.Height + 2 * c.Pad, paddedWidth = c.Width + 2 * c.Pad;
        var halo = new byte[paddedHeight * paddedWidth * inStride];
        random.NextBytes(halo);
        for (int y = 0; y < paddedHeight; y++)
        for (int x = 0; x < paddedWidth; x++)
        {
            var pixel = halo.AsSpan((y * paddedWidth + x) * inStride, c.InChannels);
            int sy = y - c.Pad, sx = x - c.Pad;
            if (sy >= 0 && sy < c.Height && sx >= 0 && sx < c.Width)
                dense.AsSpan((sy * c.Width + sx) * c.InChannels, c.InChannels).CopyTo(pixel);
            else
                pixel.Fill(c.InputZeroPoint);
        }

        int taps = c.KernelSize * c.KernelSize;
        var weights = new sbyte[c.OutChannels * c.InChannels * taps];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (sbyte)random.Next(minWeight, maxWeight + 1);
        var biasQ = Enumerable.Range(0, c.OutChannels).Select(_ => random.Next(-200_000, 200_000)).ToArray();
        var multipliers = Enumerable.Range(0, c.OutChannels).Select(_ => (float)Math.Exp(random.NextDouble() * 8 - 12)).ToArray();

        int pixels = c.OutHeight * c.OutWidth;
        byte residualZeroPoint = (byte)random.Next(256);
        float residualMultiplier = (float)Math.Exp(random.NextDouble() * 4 - 2);
        byte[] residual = c.Residual ? new byte[pixels * c.OutChannels] : [];
        random.NextBytes(residual);
        var expected = new byte[pixels * c.OutChannels];
        float[] floatMultipliers = Enumerable.Range(0, c.OutChannels).Select(_ => (float)Math.Exp(random.NextDouble() * 8 - 14)).ToArray();
        float[] expectedFloats = c.FloatOutput ? new float[pixels * c.OutChannels] : [];
        float[] floatResidual = c.FloatResidual ? [.. Enumerable.Range(0, pixels * c.OutChannels).Select(_ => random.NextSingle() * 20 - 10)] : [];
        QuantizedReferenceKernels.Conv(dense, c.Height, c.Width, c.InChannels, c.InputZeroPoint, weights, biasQ, c.OutChannels,
            c.KernelSize, c.Stride, c.Pad, multipliers, c.OutputZeroPoint, c.Relu, expected, residual, residualZeroPoint, residualMultiplier,
            floatMultipliers, expectedFloats, floatResidual);
        // The kernel's float residual is laid out as its float output (channel-last, the u8 output's strides).
        float[] floatResidualStrided = new float[pixels * outStride];
        for (int p = 0; p < pixels && c.FloatResidual; p++)
            floatResidual.AsSpan(p * c.OutChannels, c.OutChannels).CopyTo(floatResidualStrided.AsSpan(p * outStride));
        // The kernel's residual is laid out as its output.
        byte[] residualStrided = new byte[pixels * outStride];
        for (int p = 0; p < pixels && c.Residual; p++)
            residual.AsSpan(p * c.OutChannels, c.OutChannels).CopyTo(residualStrided.AsSpan(p * outStride));

        const byte Sentinel = 0xA5;
        var actual = new byte[pixels * outStride];
        actual.AsSpan().Fill(Sentinel);
        var starts = new int[c.OutChannels];
        int perChannel = c.InChannels * taps;
        for (int o = 0; o < c.OutChannels; o++)
            starts[o] = Requantization.StartValue(biasQ[o], weights.AsSpan(o * perChannel, perChannel), c.InputZeroPoint);
        float[] actualFloats = new float[pixels * outStride];
        RunKernel<TDot>(c, halo, weights, starts, multipliers, c.FloatOnly ? null : actual, inStride, outStride, wide,
            c.Residual ? (residualStrided, residualZeroPoint, residualMultiplier) : null, c.FloatOutput ? (floatMultipliers, actualFloats) : null, scalar,
            c.FloatResidual ? floatResidualStrided : null);
        for (int p = 0; p < pixels && c.FloatOutput; p++)
        for (int o = 0; o < c.OutChannels; o++)
            Assert.True(expectedFloats[p * c.OutChannels + o] == actualFloats[p * outStride + o],
                $"{typeof(TDot).Name} {c}: pixel {p} channel {o} as float: expected {expectedFloats[p * c.OutChannels + o]}, got {actualFloats[p * outStride + o]}");

        for (int p = 0; p < pixels; p++)
        {
            if (c.FloatOnly)
            {
                Assert.All(actual, b => Assert.Equal(Sentinel, b)); // no u8 output was given, none was written
                break;
            }
            for (int o = 0; o < c.OutChannels; o++)
                Assert.True(expected[p * c.OutChannels + o] == actual[p * outStride + o],
                    $"{(wide ? "Avx512BW pair" : typeof(TDot).Name)} {c}: pixel {p} channel {o}: expected {expected[p * c.OutChannels + o]}, got {actual[p * outStride + o]}");
            for (int o = outPadded; o < outStride; o++)
                Assert.True(actual[p * outStride + o] == Sentinel, $"{typeof(TDot).Name} {c}: pixel {p} byte {o} past the padded channels was written");
        }
    }

    private static void RunKernel<TDot>(Case c, byte[] input, sbyte[] weights, int[] starts, float[] multipliers, byte[]? output,
        int inStride, int outStride, bool wide = false, (byte[] Map, byte ZeroPoint, float Multiplier)? residual = null,
        (float[] Multipliers, float[] Output)? floats = null, bool scalar = false, float[]? floatResidual = null) where TDot : struct, IInt8DotProduct256
    {
        var paddedFloatMultipliers = new float[Int8DirectConv.PaddedOutChannels(c.OutChannels)];
        floats?.Multipliers.CopyTo(paddedFloatMultipliers, 0);
        int outPadded = Int8DirectConv.PaddedOutChannels(c.OutChannels);
        sbyte[] packed = Int8DirectConv.PackWeights(weights, c.OutChannels, c.InChannels, c.KernelSize);
        var paddedStarts = new int[outPadded];
        starts.CopyTo(paddedStarts, 0);
        var paddedMultipliers = new float[outPadded];
        paddedMultipliers.AsSpan().Fill(1f);
        multipliers.CopyTo(paddedMultipliers, 0);
        fixed (byte* x = input, y = output, r = residual?.Map)
        fixed (float* fm = paddedFloatMultipliers, fo = floats?.Output, fr = floatResidual)
        fixed (sbyte* w = packed)
        fixed (int* s = paddedStarts)
        fixed (float* m = paddedMultipliers)
        {
            var args = new Int8ConvArgs
            {
                Input = x, InRowStride = (nint)(c.Width + 2 * c.Pad) * inStride, InPixelStride = inStride, OutHeight = c.OutHeight, OutWidth = c.OutWidth,
                KernelSize = c.KernelSize, Stride = c.Stride, InChannelsPadded = Int8DirectConv.PaddedInChannels(c.InChannels),
                Weights = w, OutChannelsPadded = outPadded, StartValues = s, Multipliers = m,
                OutputZeroPoint = c.OutputZeroPoint, Relu = c.Relu, Output = y, OutRowStride = (nint)c.OutWidth * outStride, OutPixelStride = outStride,
                Residual = residual is null ? null : r, ResidualZeroPoint = residual?.ZeroPoint ?? 0, ResidualMultiplier = residual?.Multiplier ?? 0,
                FloatOutput = floats is null ? null : fo, FloatMultipliers = fm, FloatResidual = floatResidual is null ? null : fr,
                FloatGroupStride = Int8DirectConv.GroupChannels, FloatRowStride = (nint)c.OutWidth * outStride, FloatPixelStride = outStride,
            };
            if (scalar)
                for (int item = 0; item < Int8DirectConv.ItemCount(args); item++)
                    Int8DirectConv.RunItemScalar(args, item);
            else if (wide)
                Int8DirectConv.Run512(args);
            else
                Int8DirectConv.Run<TDot>(args);
        }
    }
}

using FsCheck.Xunit;
using HourglassSimd.Kernels.Int16;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Kernels.Int16;

/// <summary>
/// <see cref="Int16DirectConv"/> (1x1, 3x3 and the 7x7/2 stem) on every path this CPU has, against
/// <see cref="Int16ReferenceKernels.Conv"/> on unpacked weights: integer kernels must be equal bit for bit, with
/// activations anywhere in ±<see cref="Int16DirectConv.MaxActivation"/> and weights anywhere within
/// <see cref="Int16DirectConv.MaxWeightFor"/>.
/// </summary>
public sealed unsafe class Int16DirectConvTests
{
    public sealed record Case(int Height, int Width, int InChannels, int OutChannels, int KernelSize, int Stride, bool Relu,
        int ExtraInStride, int ExtraOutStride, int Seed, bool Residual = false, bool FloatOutput = false)
    {
        /// <summary>With a float output: a float residual added to it (odd seeds).</summary>
        public bool FloatResidual => FloatOutput && (Seed & 1) != 0;

        /// <summary>With a float output: no s16 output at all (seeds with bit 1 set).</summary>
        public bool FloatOnly => FloatOutput && (Seed & 2) != 0;

        /// <summary>With a float output: channel-blocked NCHW16c (seeds with bit 2 set) instead of channel-last with a group stride of 16.</summary>
        public bool BlockedFloat => FloatOutput && (Seed & 4) != 0;

        /// <summary>Activations and weights only at their bounds, biases at ±<see cref="Int16DirectConv.MaxStartValue"/> (seed bit 3 without bit 4).</summary>
        public bool Extremes => (Seed & 24) == 8;

        /// <summary>Small values and power-of-two multipliers, so that rounding meets many ties (seed bit 4).</summary>
        public bool Ties => (Seed & 16) != 0;

        public int Pad => KernelSize / 2;

        public int OutHeight => (Height + 2 * Pad - KernelSize) / Stride + 1;

        public int OutWidth => (Width + 2 * Pad - KernelSize) / Stride + 1;

        /// <summary>Products per output, what the weight bound depends on.</summary>
        public int Products => KernelSize * KernelSize * InChannels;

        public override string ToString() =>
            $"{Height}x{Width} {InChannels}->{OutChannels} k{KernelSize}/s{Stride} relu={Relu} stride+{ExtraInStride}/+{ExtraOutStride} seed={Seed}" +
            $"{(Residual ? " +residual" : "")}{(FloatOutput ? " +float" : "")}{(FloatResidual ? " +float residual" : "")}{(FloatOnly ? " float only" : "")}" +
            $"{(BlockedFloat ? " NCHW16c" : "")}{(Extremes ? " extremes" : "")}{(Ties ? " ties" : "")}";
    }

    /// <summary>One convolution's data, as the reference takes it (dense, unpacked).</summary>
    private sealed record Data(short[] Input, short[] Weights, int[] Bias, float[] Multipliers, short[] Residual, float ResidualMultiplier,
        float[] FloatMultipliers, float[] FloatResidual);

    /// <summary>1x1 (a third of the cases), 3x3 stride 1 (a half) or 7x7 stride 2 (the rest), sizes and channels off every multiple.</summary>
    private static Case MakeCase(byte size, byte ic, byte oc, byte flags, int seed)
    {
        (int k, int s) = (size % 6) switch { 0 or 1 => (1, 1), 5 => (7, 2), _ => (3, 1) };
        int channelCap = k == 7 ? 9 : 70;
        return new(size % 9 + 1, size / 9 % 13 + 1, ic % channelCap + 1, oc % 40 + 1, k, s, (flags & 1) != 0,
            (flags >> 1) % 3 * 3, (flags >> 3) % 3 * 8, seed, Residual: (flags & 0x40) != 0, FloatOutput: (flags & 0x80) != 0);
    }

    [Property(MaxTest = 100)]
    public void Scalar_path_equals_the_reference(byte size, byte ic, byte oc, byte flags, int seed) =>
        Check(MakeCase(size, ic, oc, flags, seed), Int16KernelPath.Scalar);

    [Property(MaxTest = 150)]
    public void Pair256_path_equals_the_reference(byte size, byte ic, byte oc, byte flags, int seed)
    {
        if (Int16KernelPaths.IsSupported(Int16KernelPath.Pair256))
            Check(MakeCase(size, ic, oc, flags, seed), Int16KernelPath.Pair256);
    }

    [Property(MaxTest = 150)]
    public void Pair512_path_equals_the_reference(byte size, byte ic, byte oc, byte flags, int seed)
    {
        if (Int16KernelPaths.IsSupported(Int16KernelPath.Pair512))
            Check(MakeCase(size, ic, oc, flags, seed), Int16KernelPath.Pair512);
    }

    [Property(MaxTest = 150)]
    public void Vnni256_path_equals_the_reference(byte size, byte ic, byte oc, byte flags, int seed)
    {
        // .NET may report AVX-VNNI unsupported on a CPU that has only the AVX512 form: then this says nothing.
        if (Int16KernelPaths.IsSupported(Int16KernelPath.Vnni256))
            Check(MakeCase(size, ic, oc, flags, seed), Int16KernelPath.Vnni256);
    }

    [Fact]
    public void Paths_exist_on_this_cpu_or_the_properties_say_nothing()
    {
        // The properties return early on a CPU without the path; on x64 with AVX2 at least the 256-bit pair must run.
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, Int16KernelPaths.IsSupported(Int16KernelPath.Pair256));
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512BW.IsSupported, Int16KernelPaths.IsSupported(Int16KernelPath.Pair512));
        Assert.True(Int16KernelPaths.IsSupported(Int16KernelPath.Scalar));
        Assert.True(Int16KernelPaths.IsSupported(Int16KernelPaths.Best()));
        Assert.Equal(Int16KernelPath.Scalar, Int16KernelPaths.Resolve(KernelIsa.Scalar));
    }

    [Fact]
    public void The_environment_variable_forces_a_path_and_rejects_unknown_names()
    {
        string? saved = Environment.GetEnvironmentVariable(Int16KernelPaths.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(Int16KernelPaths.EnvironmentVariable, "scalar");
            Assert.Equal(Int16KernelPath.Scalar, Int16KernelPaths.Resolve(KernelIsa.Auto));
            Environment.SetEnvironmentVariable(Int16KernelPaths.EnvironmentVariable, "Pair7");
            Assert.Throws<InvalidOperationException>(() => Int16KernelPaths.Resolve(KernelIsa.Auto));
            Environment.SetEnvironmentVariable(Int16KernelPaths.EnvironmentVariable, null);
            Assert.Equal(Int16KernelPaths.Best(), Int16KernelPaths.Resolve(KernelIsa.Auto));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Int16KernelPaths.EnvironmentVariable, saved);
        }
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 1)]
    [InlineData(1, 6, 16, 16, 1, 1)]      // one whole tile and group
    [InlineData(1, 7, 128, 256, 1, 1)]    // a residual 1x1 of the paper's width, tile remainder 1
    [InlineData(1, 13, 3, 17, 1, 1)]      // channels off every multiple
    [InlineData(8, 8, 128, 128, 3, 1)]    // a residual 3x3 of the paper's width at the innermost hourglass level: 1,152 products
    [InlineData(8, 8, 128, 128, 3, 1, false, false, 8)]  // the same at the bounds: accumulators near ±2^31
    [InlineData(5, 13, 21, 21, 3, 1)]     // a pruned 3x3: tiles, groups and channels all partial
    [InlineData(5, 7, 37, 37, 3, 1, false, false, 16)]   // odd channels, rounding ties
    [InlineData(16, 16, 3, 64, 7, 2)]     // the stem at a 16x16 input
    [InlineData(15, 17, 3, 64, 7, 2, false, false, 8)]   // the stem, odd sides, at the bounds
    [InlineData(4, 8, 64, 128, 1, 1, true)]              // a residual module's conv3 with its shortcut
    [InlineData(4, 8, 64, 128, 1, 1, true, false, 16)]   // the same with ties
    [InlineData(8, 8, 64, 16, 1, 1, false, true)]        // a heatmap head, dequantized to float too
    [InlineData(8, 8, 64, 16, 1, 1, false, true, 7)]     // a heatmap head, float only, NCHW16c, with a float residual
    [InlineData(2, 200, 16, 24, 1, 1)]                   // rows of three work items (segments of 96, 96 and 8 pixels)
    [InlineData(2, 103, 24, 24, 3, 1)]                   // a 3x3 whose second segment is one tile and a pixel
    [InlineData(1, 200, 16, 128, 1, 1, true, true, 7)]   // a flattened 1x1 to float only, NCHW16c, with a float residual, several segments
    public void Network_like_shapes_equal_the_reference(int height, int width, int ic, int oc, int kernel, int stride, bool residual = false,
        bool floatOutput = false, int seed = 0)
    {
        var c = new Case(height, width, ic, oc, kernel, stride, Relu: !residual && !floatOutput, 0, 0,
            Seed: seed == 0 ? (height * 1000 + width * 10 + ic) << 5 : seed, residual, floatOutput); // the low 5 bits choose modes
        CheckEveryPath(c);
    }

    /// <summary>Every path this CPU has, the scalar one included.</summary>
    private static void CheckEveryPath(Case c)
    {
        foreach (var path in Enum.GetValues<Int16KernelPath>())
            if (Int16KernelPaths.IsSupported(path))
                Check(c, path);
    }

    [Theory]
    [InlineData(1)] // float residual, s16 output too
    [InlineData(2)] // float output only
    [InlineData(3)] // float residual, float output only: a residual module's conv3 on a float residual stream
    [InlineData(5)] // as 1, NCHW16c
    [InlineData(6)] // as 2, NCHW16c
    [InlineData(7)] // as 3, NCHW16c
    public void Float_outputs_with_a_float_residual_or_without_the_s16_output_equal_the_reference(int seed)
    {
        foreach (var (height, width, ic, oc, k) in new[] { (4, 13, 64, 128, 1), (5, 7, 21, 37, 3) })
        {
            var c = new Case(height, width, ic, oc, k, 1, Relu: false, 0, 0, Seed: seed, FloatOutput: true);
            Assert.Equal((seed & 1) != 0, c.FloatResidual);
            Assert.Equal((seed & 2) != 0, c.FloatOnly);
            Assert.Equal((seed & 4) != 0, c.BlockedFloat);
            CheckEveryPath(c);
        }
    }

    [Theory]
    [InlineData(1152, 455)]  // a residual module's 3x3 at 128 channels
    [InlineData(2304, 227)]  // a 3x3 at 256 channels
    [InlineData(128, 4098)]  // a 1x1 from 128 channels
    [InlineData(147, 3568)]  // the 7x7 stem from 3 channels
    [InlineData(1, 32767)]   // capped: −32768 is excluded, so the range is symmetric
    public void The_weight_bound_is_the_largest_that_keeps_the_products_within_2_to_the_30(int products, int expected)
    {
        int bound = Int16DirectConv.MaxWeightFor(products);
        Assert.Equal(expected, bound);
        Assert.True((long)products * Int16DirectConv.MaxActivation * bound <= Int16DirectConv.ProductBudget);
        Assert.True(bound == short.MaxValue || (long)products * Int16DirectConv.MaxActivation * (bound + 1) > Int16DirectConv.ProductBudget);
    }

    [Fact]
    public void The_weight_bound_refuses_what_it_cannot_bound()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Int16DirectConv.MaxWeightFor(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int16DirectConv.MaxWeightFor(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int16DirectConv.MaxWeightFor(1, 32768));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int16DirectConv.MaxWeightFor(600_000)); // past 2^30 / 2047 products
        Assert.Equal(1, Int16DirectConv.MaxWeightFor(524_544));
    }

    /// <summary>
    /// The worst case the bounds allow: a 3x3 over 128 channels (1,152 products), every activation at ±2047, every
    /// weight at ±455 with the sign that makes each product of the centre pixel the same sign, the bias at
    /// ±(2^30 − 1) in that direction too. The int32 sum must be the exact one; one step past the weight bound it wraps.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void At_the_bounds_the_worst_case_accumulator_is_exact_and_one_past_the_weight_bound_it_wraps(int direction)
    {
        const int InChannels = 128, K = 3;
        int bound = Int16DirectConv.MaxWeightFor(K * K * InChannels);
        var random = new Random(1152 * direction);
        short[] input = [.. Enumerable.Range(0, K * K * InChannels).Select(_ => (short)(random.Next(2) == 0 ? -Int16DirectConv.MaxActivation : Int16DirectConv.MaxActivation))];
        short[] Aligned(int magnitude) => [.. Enumerable.Range(0, 16 * InChannels * K * K).Select(j =>
        {
            int o = j / (InChannels * K * K), i = j / (K * K) % InChannels, t = j % (K * K);
            return (short)(Math.Sign(input[t * InChannels + i]) * magnitude * direction * (o % 2 == 0 ? 1 : -1));
        })];
        int[] bias = [.. Enumerable.Range(0, 16).Select(o => Int16DirectConv.MaxStartValue * direction * (o % 2 == 0 ? 1 : -1))];
        foreach (var (weights, withinBound) in new[] { (Aligned(bound), true), (Aligned(bound + 1), false) })
        for (int o = 0; o < 16; o++)
        {
            long exact = bias[o];
            for (int t = 0; t < K * K; t++)
            for (int i = 0; i < InChannels; i++)
                exact += (long)input[t * InChannels + i] * weights[(o * InChannels + i) * K * K + t];
            // The centre output of the 3x3 input, padded by 1, sees all nine taps.
            int sum = Int16ReferenceKernels.Accumulator(input, K, K, InChannels, weights, bias[o], o, K, 1, 1, 1, 1);
            Assert.Equal(withinBound, exact == sum);
            Assert.Equal(withinBound, Math.Abs(exact) <= int.MaxValue);
        }

        // The kernels at the same worst case (and its 8 partial neighbours) equal the reference on every path.
        var c = new Case(K, K, InChannels, 16, K, 1, Relu: false, 0, 0, Seed: 0, FloatOutput: true);
        var data = new Data(input, Aligned(bound), bias, [.. Enumerable.Repeat(1f / 1_048_576, 16)], [], 0,
            [.. Enumerable.Repeat(1f, 16)], []);
        foreach (var path in Enum.GetValues<Int16KernelPath>())
            if (Int16KernelPaths.IsSupported(path))
                Compare(c, data, path);
    }

    [Fact]
    public void Packing_puts_each_output_channels_input_pair_together_and_zero_fills_the_padding()
    {
        // 2 outputs x 3 inputs x 1 tap: weight (o, i) = 10 · (o + 1) + i + 1.
        short[] weights = [11, 12, 13, 21, 22, 23];
        short[] packed = Int16DirectConv.PackWeights(weights, 2, 3);
        Assert.Equal(2 * 16 * 2, packed.Length); // [1 tap][2 input pairs][16 outputs][2]
        Assert.Equal(new short[] { 11, 12, 21, 22 }, packed[..4]);
        Assert.Equal(new short[] { 13, 0, 23, 0 }, packed[32..36]);
        Assert.All(packed[4..32], w => Assert.Equal((short)0, w));
        Assert.All(packed[36..], w => Assert.Equal((short)0, w));
    }

    [Fact]
    public void Packing_refuses_minus_32768()
    {
        Assert.Throws<ArgumentException>(() => Int16DirectConv.PackWeights([1, short.MinValue], 1, 2));
        Assert.Throws<ArgumentException>(() => Int16DirectConv.PackWeights([1, 2, 3], 1, 2));
    }

    [Theory]
    [InlineData(5, 0.5f, false, 2)]                  // 2.5 rounds to even
    [InlineData(7, 0.5f, false, 4)]                  // 3.5 rounds to even
    [InlineData(-5, 0.5f, false, -2)]                // −2.5 rounds to even
    [InlineData(-7, 0.5f, false, -4)]                // −3.5 rounds to even
    [InlineData(-7, 0.5f, true, 0)]                  // ReLU clamps at 0 (the zero point)
    [InlineData(4095, 0.5f, false, 2047)]            // 2047.5 rounds to 2048, clamped to MaxActivation
    [InlineData(-4095, 0.5f, false, -2047)]          // and symmetrically: never −2048, let alone −32768
    [InlineData(10_000, 1f, false, 2047)]            // saturates high
    [InlineData(-10_000, 1f, false, -2047)]          // saturates low
    [InlineData(int.MaxValue, 1e30f, false, 2047)]
    [InlineData(int.MinValue, 1e30f, false, -2047)]
    [InlineData(int.MinValue, 1e30f, true, 0)]
    public void Requantization_rounds_half_to_even_then_clamps_to_the_symmetric_12_bit_range(int accumulator, float multiplier, bool relu, short expected) =>
        Assert.Equal(expected, Int16Requantization.ToInt16(accumulator, multiplier, relu));

    [Theory]
    [InlineData(3, 0.5f, false, 2, 0.25f, 2)]        // 1.5 + 0.5 = 2
    [InlineData(1, 0.5f, false, 1, 1f, 2)]           // 1.5 rounds to even: 2
    [InlineData(1, 0.5f, false, 2, 1f, 2)]           // 2.5 rounds to even: 2
    [InlineData(-10, 1f, true, 3, 1f, 0)]            // −7, ReLU after the residual
    [InlineData(-10, 1f, false, 3, 1f, -7)]
    [InlineData(2000, 1f, false, 2047, 1f, 2047)]    // 4047 saturates
    [InlineData(-2000, 1f, false, -2047, 1f, -2047)]
    public void Requantization_with_a_residual_adds_it_before_rounding(int accumulator, float multiplier, bool relu, short residual,
        float residualMultiplier, short expected) =>
        Assert.Equal(expected, Int16Requantization.ToInt16(accumulator, multiplier, relu, residual, residualMultiplier));

    [Fact]
    public void Requantization_with_a_residual_is_one_fused_multiply_add()
    {
        // Find inputs where fma(r, m_r, acc · m) and the separately rounded sum round to different integers: ToInt16 must give the fused one.
        var random = new Random(16);
        for (int n = 0; n < 1_000_000; n++)
        {
            int acc = random.Next(-4_000_000, 4_000_000);
            float m = (float)Math.Exp(random.NextDouble() * 4 - 12), rm = random.NextSingle() * 2;
            short r = (short)random.Next(-2047, 2048);
            float fused = MathF.FusedMultiplyAdd(r, rm, acc * m), separate = r * rm + acc * m;
            if (Math.Abs(fused) >= 2047 || MathF.Round(fused, MidpointRounding.ToEven) == MathF.Round(separate, MidpointRounding.ToEven))
                continue;
            Assert.Equal((short)MathF.Round(fused, MidpointRounding.ToEven), Int16Requantization.ToInt16(acc, m, false, r, rm));
            return;
        }
        Assert.Fail("No input found where the fused and separate sums round apart.");
    }

    [Fact]
    public void Float_outputs_are_the_int8_kernels_rule()
    {
        Assert.Equal(Requantization.ToFloat(123_456_789, 1e-5f), Int16Requantization.ToFloat(123_456_789, 1e-5f));
        Assert.Equal(Requantization.ToFloat(-987_654, 3e-4f, 0.1f), Int16Requantization.ToFloat(-987_654, 3e-4f, 0.1f));
    }

    /// <summary>Random data for <paramref name="c"/> within the bounds, then <see cref="Compare"/>.</summary>
    private static void Check(Case c, Int16KernelPath path) => Compare(c, MakeData(c), path);

    private static Data MakeData(Case c)
    {
        var random = new Random(c.Seed);
        int max = c.Ties ? 7 : Int16DirectConv.MaxActivation;
        int maxWeight = c.Ties ? 1 : Int16DirectConv.MaxWeightFor(c.Products);
        short Activation() => (short)(c.Extremes ? (random.Next(2) * 2 - 1) * max : random.Next(-max, max + 1));
        short Weight() => (short)(c.Extremes ? (random.Next(2) * 2 - 1) * maxWeight : random.Next(-maxWeight, maxWeight + 1));

        var input = new short[c.Height * c.Width * c.InChannels];
        for (int i = 0; i < input.Length; i++)
            input[i] = Activation();
        var weights = new short[c.OutChannels * c.Products];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = Weight();
        // The typical accumulator's magnitude (products of uniform values have a deviation of a third of the bounds' product).
        double typical = c.Ties ? 8 : Math.Sqrt(c.Products) * max * maxWeight / 3 + 1;
        int Bias() => c.Extremes ? (random.Next(2) * 2 - 1) * Int16DirectConv.MaxStartValue
            : (int)Math.Clamp(Math.Round((random.NextDouble() * 4 - 2) * typical), -Int16DirectConv.MaxStartValue, Int16DirectConv.MaxStartValue);
        // Multipliers that put most outputs in range, some past it (clamped) and some near 0.
        float Multiplier() => c.Ties ? MathF.Pow(2, -random.Next(0, 3)) : (float)(1000 / typical * Math.Exp(random.NextDouble() * 4.5 - 3));
        var bias = Enumerable.Range(0, c.OutChannels).Select(_ => Bias()).ToArray();
        var multipliers = Enumerable.Range(0, c.OutChannels).Select(_ => Multiplier()).ToArray();

        int outputs = c.OutHeight * c.OutWidth * c.OutChannels;
        short[] residual = c.Residual ? [.. Enumerable.Range(0, outputs).Select(_ => Activation())] : [];
        float residualMultiplier = c.Ties ? 0.5f : (float)Math.Exp(random.NextDouble() * 4 - 2);
        float[] floatMultipliers = [.. Enumerable.Range(0, c.OutChannels).Select(_ => (float)(Math.Exp(random.NextDouble() * 4 - 2) / typical))];
        float[] floatResidual = c.FloatResidual ? [.. Enumerable.Range(0, outputs).Select(_ => random.NextSingle() * 20 - 10)] : [];
        return new Data(input, weights, bias, multipliers, residual, residualMultiplier, floatMultipliers, floatResidual);
    }

    /// <summary>Runs <paramref name="path"/> on <paramref name="d"/> laid out as the kernel takes it and asserts it equals the reference bit for bit.</summary>
    private static void Compare(Case c, Data d, Int16KernelPath path)
    {
        var random = new Random(~c.Seed);
        int inPadded = Int16DirectConv.PaddedInChannels(c.InChannels);
        int outPadded = Int16DirectConv.PaddedOutChannels(c.OutChannels);
        int inStride = inPadded + c.ExtraInStride, outStride = outPadded + c.ExtraOutStride;
        int pixels = c.OutHeight * c.OutWidth;

        // The kernel's input carries a halo of 0, and channel padding with any int16 in it, −32768 included (packed
        // weights are zero there).
        int paddedHeight = c.Height + 2 * c.Pad, paddedWidth = c.Width + 2 * c.Pad;
        var halo = new short[paddedHeight * paddedWidth * inStride];
        for (int i = 0; i < halo.Length; i++)
            halo[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        for (int y = 0; y < paddedHeight; y++)
        for (int x = 0; x < paddedWidth; x++)
        {
            var pixel = halo.AsSpan((y * paddedWidth + x) * inStride, c.InChannels);
            int sy = y - c.Pad, sx = x - c.Pad;
            if (sy >= 0 && sy < c.Height && sx >= 0 && sx < c.Width)
                d.Input.AsSpan((sy * c.Width + sx) * c.InChannels, c.InChannels).CopyTo(pixel);
            else
                pixel.Clear();
        }

        var expected = new short[pixels * c.OutChannels];
        float[] expectedFloats = c.FloatOutput ? new float[pixels * c.OutChannels] : [];
        Int16ReferenceKernels.Conv(d.Input, c.Height, c.Width, c.InChannels, d.Weights, d.Bias, c.OutChannels, c.KernelSize, c.Stride, c.Pad,
            d.Multipliers, c.Relu, expected, d.Residual, d.ResidualMultiplier, d.FloatMultipliers, expectedFloats, d.FloatResidual);

        // The s16 residual is laid out as the output, the float residual as the float output; the float output is
        // channel-last with a group stride of 16 (the s16 output's strides) or NCHW16c.
        nint floatGroupStride = c.BlockedFloat ? pixels * Int16DirectConv.GroupChannels : Int16DirectConv.GroupChannels;
        nint floatPixelStride = c.BlockedFloat ? Int16DirectConv.GroupChannels : outStride;
        int FloatAt(int p, int o) => (int)(o / 16 * floatGroupStride + p * floatPixelStride + o % 16);
        int floatLength = c.BlockedFloat ? pixels * outPadded : pixels * outStride;
        var residualStrided = new short[pixels * outStride];
        var floatResidualStrided = new float[floatLength];
        for (int p = 0; p < pixels; p++)
        for (int o = 0; o < c.OutChannels; o++)
        {
            if (c.Residual)
                residualStrided[p * outStride + o] = d.Residual[p * c.OutChannels + o];
            if (c.FloatResidual)
                floatResidualStrided[FloatAt(p, o)] = d.FloatResidual[p * c.OutChannels + o];
        }

        const short Sentinel = 0x5A5A; // past MaxActivation: no requantized value
        var actual = new short[pixels * outStride];
        actual.AsSpan().Fill(Sentinel);
        var actualFloats = new float[floatLength];
        actualFloats.AsSpan().Fill(float.NaN);
        RunKernel(c, d, path, halo, inStride, outStride, c.FloatOnly ? null : actual, c.Residual ? residualStrided : null,
            c.FloatOutput ? actualFloats : null, c.FloatResidual ? floatResidualStrided : null, floatGroupStride, floatPixelStride);

        for (int p = 0; p < pixels && c.FloatOutput; p++)
        {
            for (int o = 0; o < c.OutChannels; o++)
                Assert.True(expectedFloats[p * c.OutChannels + o].Equals(actualFloats[FloatAt(p, o)]),
                    $"{path} {c}: pixel {p} channel {o} as float: expected {expectedFloats[p * c.OutChannels + o]}, got {actualFloats[FloatAt(p, o)]}");
            for (int o = outPadded; o < outStride && !c.BlockedFloat; o++)
                Assert.True(float.IsNaN(actualFloats[p * outStride + o]), $"{path} {c}: pixel {p} float {o} past the padded channels was written");
        }

        for (int p = 0; p < pixels; p++)
        {
            if (c.FloatOnly)
            {
                Assert.All(actual, v => Assert.Equal(Sentinel, v)); // no s16 output was given, none was written
                break;
            }
            for (int o = 0; o < c.OutChannels; o++)
                Assert.True(expected[p * c.OutChannels + o] == actual[p * outStride + o],
                    $"{path} {c}: pixel {p} channel {o}: expected {expected[p * c.OutChannels + o]}, got {actual[p * outStride + o]}");
            for (int o = outPadded; o < outStride; o++)
                Assert.True(actual[p * outStride + o] == Sentinel, $"{path} {c}: pixel {p} value {o} past the padded channels was written");
        }
    }

    /// <summary>
    /// Packs the weights, pads the per-channel values to the groups and runs every item: through
    /// <see cref="Int16KernelPaths.RunItem"/> for even seeds, the path's own entry point for odd ones.
    /// </summary>
    private static void RunKernel(Case c, Data d, Int16KernelPath path, short[] input, int inStride, int outStride, short[]? output,
        short[]? residual, float[]? floatOutput, float[]? floatResidual, nint floatGroupStride, nint floatPixelStride)
    {
        int outPadded = Int16DirectConv.PaddedOutChannels(c.OutChannels);
        short[] packed = Int16DirectConv.PackWeights(d.Weights, c.OutChannels, c.InChannels, c.KernelSize);
        var paddedStarts = new int[outPadded];
        d.Bias.CopyTo(paddedStarts, 0);
        var paddedMultipliers = new float[outPadded];
        paddedMultipliers.AsSpan().Fill(1f);
        d.Multipliers.CopyTo(paddedMultipliers, 0);
        var paddedFloatMultipliers = new float[outPadded];
        d.FloatMultipliers.CopyTo(paddedFloatMultipliers, 0);
        fixed (short* x = input, y = output, r = residual, w = packed)
        fixed (float* fm = paddedFloatMultipliers, fo = floatOutput, fr = floatResidual, m = paddedMultipliers)
        fixed (int* s = paddedStarts)
        {
            var args = new Int16ConvArgs
            {
                Input = x, InRowStride = (nint)(c.Width + 2 * c.Pad) * inStride, InPixelStride = inStride, OutHeight = c.OutHeight, OutWidth = c.OutWidth,
                KernelSize = c.KernelSize, Stride = c.Stride, InChannelsPadded = Int16DirectConv.PaddedInChannels(c.InChannels),
                Weights = w, OutChannelsPadded = outPadded, StartValues = s, Multipliers = m, Relu = c.Relu,
                Output = output is null ? null : y, OutRowStride = (nint)c.OutWidth * outStride, OutPixelStride = outStride,
                Residual = residual is null ? null : r, ResidualMultiplier = d.ResidualMultiplier,
                FloatOutput = floatOutput is null ? null : fo, FloatMultipliers = fm, FloatResidual = floatResidual is null ? null : fr,
                FloatGroupStride = floatGroupStride, FloatRowStride = c.OutWidth * floatPixelStride, FloatPixelStride = floatPixelStride,
            };
            if ((c.Seed & 1) == 0 || path == Int16KernelPath.Scalar)
                for (int item = 0; item < Int16DirectConv.ItemCount(args); item++)
                    Int16KernelPaths.RunItem(path, args, item);
            else if (path == Int16KernelPath.Pair512)
                Int16DirectConv.Run512(args);
            else if (path == Int16KernelPath.Vnni256)
                Int16DirectConv.Run<Int16VnniDotProduct256>(args);
            else
                Int16DirectConv.Run<Int16PairDotProduct256>(args);
        }
    }
}

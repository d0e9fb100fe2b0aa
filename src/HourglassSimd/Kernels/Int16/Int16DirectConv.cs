using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HourglassSimd.Kernels.Integer;
using HourglassSimd.Quantization;

namespace HourglassSimd.Kernels.Int16;

/// <summary>
/// Quantized direct KxK convolution (1x1, 3x3, the 7x7/2 stem), symmetric s16 activations x s16 weights into exact
/// int32, requantized to s16 in the store (<see cref="Int16Requantization"/>: start value = bias, multiplier,
/// optionally an s16 residual added in the output's quantization, rounding, optional ReLU), and/or dequantized to
/// float straight from the accumulators. Work items are (output-channel group of 16) x (output row) x (segment of up to
/// 96 pixels, walked in tiles of up to 6), as <see cref="Int8.Int8DirectConv"/>; each tile keeps 6 x 2 accumulators of
/// 8 lanes and walks the taps,
/// and in each tap the input channels two at a time: per step it loads two weight vectors (16 output channels x 2
/// input channels) and broadcasts each pixel's 2 input values as one 32-bit value.
/// <para>
/// Nothing here checks for overflow: it is excluded by bounds. Activations lie in [−<see cref="MaxActivation"/>,
/// <see cref="MaxActivation"/>], the weights of a convolution with P = K · K · in products per output within
/// ±<see cref="MaxWeightFor"/>(P), so the products sum to at most 2^30 in magnitude, and the start values within
/// ±<see cref="MaxStartValue"/>: every partial sum, in whatever order a path adds, fits an int32. No value is −32768,
/// the only one for which <c>vpmaddwd</c> overflows (−32768 · −32768 · 2 = 2^31). Scalar equivalent:
/// <see cref="Int16ReferenceKernels.Conv"/>.
/// </para>
/// </summary>
internal static unsafe class Int16DirectConv
{
    public const int TilePixels = IntegerConvTiling.TilePixels;
    public const int GroupChannels = IntegerConvTiling.GroupChannels;

    /// <summary>The largest activation magnitude (<see cref="Int16Requantization.MaxActivation"/>).</summary>
    public const int MaxActivation = Int16Requantization.MaxActivation;

    /// <summary>The part of int32 the products of one output may use: half of it, the other half being the bias's.</summary>
    public const int ProductBudget = 1 << 30;

    /// <summary>The largest start value (bias) magnitude: with at most <see cref="ProductBudget"/> of products, |acc| ≤ 2^31 − 1.</summary>
    public const int MaxStartValue = (1 << 30) - 1;

    /// <summary>
    /// The largest weight magnitude w such that <c>products · maxActivation · w ≤ 2^30</c> (<see cref="ProductBudget"/>),
    /// capped at 32,767 (−32768 is excluded everywhere). A residual module's 3x3 at 128 channels (1,152 products) at
    /// <see cref="MaxActivation"/> gets 455; a 1x1 from 128 channels 4,098; the 7x7 stem from 3 (4 padded, but the
    /// padding's weights are 0) 3,568.
    /// </summary>
    /// <param name="products">Products per output: K · K · input channels (unpadded).</param>
    /// <param name="maxActivation">The largest input magnitude, <see cref="MaxActivation"/> unless the input is known to be smaller.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or activation bound below 1, an activation bound past 32,767, or so many products that no weight but 0 fits.</exception>
    public static int MaxWeightFor(int products, int maxActivation = MaxActivation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(products, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActivation, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxActivation, short.MaxValue);
        long weight = Math.Min(short.MaxValue, ProductBudget / ((long)products * maxActivation));
        if (weight < 1)
            throw new ArgumentOutOfRangeException(nameof(products), $"{products} products of activations up to {maxActivation} leave no room for a nonzero weight.");
        return (int)weight;
    }

    /// <summary>
    /// Packs weights given as [out][in][K][K] (OIHW) into [K · K][in / 2][out padded to 16][2], zero-filled: the 32
    /// bytes that one dot-product step reads for 8 output channels are contiguous.
    /// </summary>
    /// <exception cref="ArgumentException">A weight count that does not match, or a weight of −32768.</exception>
    public static short[] PackWeights(ReadOnlySpan<short> weights, int outChannels, int inChannels, int kernelSize = 1)
    {
        int taps = kernelSize * kernelSize;
        if (weights.Length != outChannels * inChannels * taps)
            throw new ArgumentException($"Expected {outChannels} x {inChannels} x {kernelSize} x {kernelSize} weights, got {weights.Length}.", nameof(weights));
        if (weights.Contains(short.MinValue))
            throw new ArgumentException("An int16 weight must not be −32768 (vpmaddwd's one overflowing pair; the range is symmetric).", nameof(weights));
        int inPadded = PaddedInChannels(inChannels), outPadded = PaddedOutChannels(outChannels);
        var packed = new short[taps * inPadded * outPadded];
        for (int o = 0; o < outChannels; o++)
        for (int i = 0; i < inChannels; i++)
        for (int t = 0; t < taps; t++)
            packed[((t * (inPadded >> 1) + (i >> 1)) * outPadded + o) * 2 + (i & 1)] = weights[(o * inChannels + i) * taps + t];
        return packed;
    }

    public static int PaddedInChannels(int channels) => (channels + 1) & ~1;

    public static int PaddedOutChannels(int channels) => IntegerConvTiling.PaddedOutChannels(channels);

    public static int ItemCount(in Int16ConvArgs a) => IntegerConvTiling.ItemCount(a.OutChannelsPadded, a.OutHeight, a.OutWidth);

    /// <summary>Runs every item on the calling thread.</summary>
    public static void Run<TDot>(in Int16ConvArgs a) where TDot : struct, IInt16DotProduct256
    {
        int n = ItemCount(a);
        for (int i = 0; i < n; i++)
            RunItem<TDot>(a, i);
    }

    /// <summary>Output-channel group, row and pixel range of an item (<see cref="IntegerConvTiling.Locate"/>).</summary>
    private static (int Group, int Row, int X0, int X1) Locate(in Int16ConvArgs a, int item) => IntegerConvTiling.Locate(a.OutChannelsPadded, a.OutWidth, item);

    /// <summary>The input pixel that tap (<paramref name="ky"/>, <paramref name="kx"/>) of output pixel (<paramref name="row"/>, <paramref name="x"/>) reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short* TapInput(in Int16ConvArgs a, int row, int x, int ky, int kx) =>
        a.Input + (row * a.Stride + ky) * a.InRowStride + (x * a.Stride + kx) * a.InPixelStride;

    public static void RunItem<TDot>(in Int16ConvArgs a, int item) where TDot : struct, IInt16DotProduct256
    {
        var (group, row, x0, x1) = Locate(a, item);
        // Once per item, never inside a tile (IntegerConvTiling says why).
        var requantize = new Requantizer(a, group, row, x0);
        for (int x = x0; x < x1; x += TilePixels)
        {
            switch (Math.Min(TilePixels, x1 - x))
            {
                case 6: Tile<TDot, Six>(a, requantize, group, row, x, x - x0); break;
                case 5: Tile<TDot, Five>(a, requantize, group, row, x, x - x0); break;
                case 4: Tile<TDot, Four>(a, requantize, group, row, x, x - x0); break;
                case 3: Tile<TDot, Three>(a, requantize, group, row, x, x - x0); break;
                case 2: Tile<TDot, Two>(a, requantize, group, row, x, x - x0); break;
                default: Tile<TDot, One>(a, requantize, group, row, x, x - x0); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TDot, TP>(in Int16ConvArgs a, in Requantizer requantize, int group, int row, int x, int first)
        where TDot : struct, IInt16DotProduct256 where TP : struct, IVectorCount
    {
        int oc = group * GroupChannels;
        Vector256<int> s0 = Vector256.Load(a.StartValues + oc), s1 = Vector256.Load(a.StartValues + oc + 8);
        Vector256<int> a00 = s0, a01 = s1, a10 = s0, a11 = s1, a20 = s0, a21 = s1;
        Vector256<int> a30 = s0, a31 = s1, a40 = s0, a41 = s1, a50 = s0, a51 = s1;

        nint stride = a.Stride * a.InPixelStride;
        nint weightStep = (nint)a.OutChannelsPadded * 2;
        short* w = a.Weights + oc * 2;
        for (int ky = 0; ky < a.KernelSize; ky++)
        for (int kx = 0; kx < a.KernelSize; kx++)
        {
            short* p0 = TapInput(a, row, x, ky, kx);
            for (int c = 0; c < a.InChannelsPadded; c += 2, w += weightStep)
            {
                Vector256<short> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 16);
                Vector256<short> b = Vector256.Create(*(int*)(p0 + c)).AsInt16();
                a00 = TDot.Accumulate(a00, b, w0); a01 = TDot.Accumulate(a01, b, w1);
                if (TP.N > 1) { b = Vector256.Create(*(int*)(p0 + stride + c)).AsInt16(); a10 = TDot.Accumulate(a10, b, w0); a11 = TDot.Accumulate(a11, b, w1); }
                if (TP.N > 2) { b = Vector256.Create(*(int*)(p0 + 2 * stride + c)).AsInt16(); a20 = TDot.Accumulate(a20, b, w0); a21 = TDot.Accumulate(a21, b, w1); }
                if (TP.N > 3) { b = Vector256.Create(*(int*)(p0 + 3 * stride + c)).AsInt16(); a30 = TDot.Accumulate(a30, b, w0); a31 = TDot.Accumulate(a31, b, w1); }
                if (TP.N > 4) { b = Vector256.Create(*(int*)(p0 + 4 * stride + c)).AsInt16(); a40 = TDot.Accumulate(a40, b, w0); a41 = TDot.Accumulate(a41, b, w1); }
                if (TP.N > 5) { b = Vector256.Create(*(int*)(p0 + 5 * stride + c)).AsInt16(); a50 = TDot.Accumulate(a50, b, w0); a51 = TDot.Accumulate(a51, b, w1); }
            }
        }

        requantize.Store(first + 0, a00, a01);
        if (TP.N > 1) requantize.Store(first + 1, a10, a11);
        if (TP.N > 2) requantize.Store(first + 2, a20, a21);
        if (TP.N > 3) requantize.Store(first + 3, a30, a31);
        if (TP.N > 4) requantize.Store(first + 4, a40, a41);
        if (TP.N > 5) requantize.Store(first + 5, a50, a51);
    }

    /// <summary>
    /// One item in plain scalar code over the same packed weights and layouts (CPUs without AVX2): the raw products
    /// summed from the start value, then <see cref="Int16Requantization"/> per channel.
    /// </summary>
    public static void RunItemScalar(in Int16ConvArgs a, int item)
    {
        var (group, row, x0, x1) = Locate(a, item);
        for (int p = 0; p < x1 - x0; p++)
        for (int oc = group * GroupChannels; oc < (group + 1) * GroupChannels; oc++)
        {
            int sum = a.StartValues[oc];
            for (int ky = 0; ky < a.KernelSize; ky++)
            for (int kx = 0; kx < a.KernelSize; kx++)
            {
                short* input = TapInput(a, row, x0 + p, ky, kx);
                short* w = a.Weights + (nint)(ky * a.KernelSize + kx) * (a.InChannelsPadded >> 1) * a.OutChannelsPadded * 2 + oc * 2;
                for (int c = 0; c < a.InChannelsPadded; c += 2, w += a.OutChannelsPadded * 2)
                    sum = unchecked(sum + input[c] * w[0] + input[c + 1] * w[1]);
            }
            if (a.FloatOutput != null)
            {
                nint f = group * a.FloatGroupStride + row * a.FloatRowStride + (x0 + p) * a.FloatPixelStride + (oc - group * GroupChannels);
                a.FloatOutput[f] = a.FloatResidual == null
                    ? Int16Requantization.ToFloat(sum, a.FloatMultipliers[oc])
                    : Int16Requantization.ToFloat(sum, a.FloatMultipliers[oc], a.FloatResidual[f]);
            }
            if (a.Output == null)
                continue;
            nint at = row * a.OutRowStride + (x0 + p) * a.OutPixelStride + oc;
            a.Output[at] = a.Residual == null
                ? Int16Requantization.ToInt16(sum, a.Multipliers[oc], a.Relu)
                : Int16Requantization.ToInt16(sum, a.Multipliers[oc], a.Relu, a.Residual[at], a.ResidualMultiplier);
        }
    }

    /// <summary>
    /// The AVX512BW path: <c>vpmaddwd</c> and <c>vpaddd</c> at 512 bits, one vector of 16 output channels per group and
    /// 6 accumulators per item. Needs <see cref="Avx512BW"/>.
    /// </summary>
    public static void Run512(in Int16ConvArgs a)
    {
        int n = ItemCount(a);
        for (int i = 0; i < n; i++)
            RunItem512(a, i);
    }

    public static void RunItem512(in Int16ConvArgs a, int item)
    {
        var (group, row, x0, x1) = Locate(a, item);
        // Once per item, never inside a tile (IntegerConvTiling says why).
        var requantize = new Requantizer(a, group, row, x0);
        for (int x = x0; x < x1; x += TilePixels)
        {
            switch (Math.Min(TilePixels, x1 - x))
            {
                case 6: Tile512<Six>(a, requantize, group, row, x, x - x0); break;
                case 5: Tile512<Five>(a, requantize, group, row, x, x - x0); break;
                case 4: Tile512<Four>(a, requantize, group, row, x, x - x0); break;
                case 3: Tile512<Three>(a, requantize, group, row, x, x - x0); break;
                case 2: Tile512<Two>(a, requantize, group, row, x, x - x0); break;
                default: Tile512<One>(a, requantize, group, row, x, x - x0); break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512<TP>(in Int16ConvArgs a, in Requantizer requantize, int group, int row, int x, int first) where TP : struct, IVectorCount
    {
        int oc = group * GroupChannels;
        Vector512<int> start = Vector512.Load(a.StartValues + oc);
        Vector512<int> a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start;

        nint stride = a.Stride * a.InPixelStride;
        nint weightStep = (nint)a.OutChannelsPadded * 2;
        short* w = a.Weights + oc * 2;
        for (int ky = 0; ky < a.KernelSize; ky++)
        for (int kx = 0; kx < a.KernelSize; kx++)
        {
            short* p0 = TapInput(a, row, x, ky, kx);
            for (int c = 0; c < a.InChannelsPadded; c += 2, w += weightStep)
            {
                Vector512<short> weights = Vector512.Load(w);
                a0 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + c)).AsInt16(), weights);
                if (TP.N > 1) a1 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + stride + c)).AsInt16(), weights);
                if (TP.N > 2) a2 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 2 * stride + c)).AsInt16(), weights);
                if (TP.N > 3) a3 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 3 * stride + c)).AsInt16(), weights);
                if (TP.N > 4) a4 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 4 * stride + c)).AsInt16(), weights);
                if (TP.N > 5) a5 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 5 * stride + c)).AsInt16(), weights);
            }
        }

        // The 16 lanes of one accumulator are the group's 16 channels: store them through the 256-bit requantizer.
        requantize.Store(first + 0, a0.GetLower(), a0.GetUpper());
        if (TP.N > 1) requantize.Store(first + 1, a1.GetLower(), a1.GetUpper());
        if (TP.N > 2) requantize.Store(first + 2, a2.GetLower(), a2.GetUpper());
        if (TP.N > 3) requantize.Store(first + 3, a3.GetLower(), a3.GetUpper());
        if (TP.N > 4) requantize.Store(first + 4, a4.GetLower(), a4.GetUpper());
        if (TP.N > 5) requantize.Store(first + 5, a5.GetLower(), a5.GetUpper());
    }

    /// <summary>
    /// <see cref="Int16Requantization"/>'s ToInt16 (with or without an s16 residual) and ToFloat (with or without a
    /// float residual) for the 16 channels of one group at the pixels of one item (a row segment).
    /// </summary>
    private readonly struct Requantizer(in Int16ConvArgs a, int group, int row, int x)
    {
        private readonly Vector256<float> m0 = Vector256.Load(a.Multipliers + group * GroupChannels), m1 = Vector256.Load(a.Multipliers + group * GroupChannels + 8);
        private readonly Vector256<float> low = Vector256.Create(a.Relu ? 0f : -MaxActivation);
        private readonly Vector256<float> high = Vector256.Create((float)MaxActivation);
        private readonly short* output = a.Output == null ? null : a.Output + row * a.OutRowStride + x * a.OutPixelStride + group * GroupChannels;
        private readonly nint pixelStride = a.OutPixelStride;
        private readonly nint residualDelta = a.Residual == null ? 0 : (nint)(a.Residual - a.Output);
        private readonly bool hasResidual = a.Residual != null;
        private readonly Vector256<float> residualMultiplier = Vector256.Create(a.ResidualMultiplier);
        private readonly FloatAccumulatorStore floats = new(a.FloatOutput, a.FloatGroupStride, a.FloatRowStride, a.FloatPixelStride, a.FloatResidual,
            a.FloatMultipliers, group, row, x);

        /// <summary>Stores pixel <paramref name="p"/> of the item: its accumulators for channels 0..7 and 8..15 of the group.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int p, Vector256<int> first, Vector256<int> second)
        {
            floats.Store(p, first, second);
            if (output == null)
                return;
            short* destination = output + p * pixelStride;
            Vector256<float> u0 = Vector256.ConvertToSingle(first) * m0, u1 = Vector256.ConvertToSingle(second) * m1;
            if (hasResidual)
            {
                // The 16 residual values of these channels, widened to two vectors of 8 floats (exactly: |r| < 2^24).
                Vector256<short> residual = Vector256.Load(destination + residualDelta);
                u0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.WidenLower(residual)), residualMultiplier, u0);
                u1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.WidenUpper(residual)), residualMultiplier, u1);
            }
            Vector256.Narrow(Clamp(u0), Clamp(u1)).Store(destination); // values within ±MaxActivation: truncation keeps them
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> Clamp(Vector256<float> v)
        {
            v = Vector256.Round(v); // Round is to nearest, ties to even
            return Vector256.ConvertToInt32Native(Vector256.Min(Vector256.Max(v, low), high)); // an integer in range: truncation is exact
        }
    }
}

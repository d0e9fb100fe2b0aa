using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HourglassSimd.Kernels.Integer;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// Quantized direct KxK convolution (1x1, 3x3, the 7x7/2 stem), u8 activations x s8 weights into int32, requantized to
/// u8 in the store (<see cref="Quantization.Requantization"/>: start value with bias and zero-point compensation,
/// multiplier, optionally a residual added in the output's quantization, rounding, zero point, optional ReLU), and
/// optionally also dequantized to float straight from the accumulators (a heatmap head). Work items are (output-channel
/// group of 16) x (output row) x (segment of up to 96 pixels, <see cref="IntegerConvTiling"/>), walked in tiles of up to
/// 6 pixels; each tile keeps 6 x 2 accumulators of 8 lanes and walks the taps, and in each tap the input
/// channels four at a time: per step it loads two weight vectors (16 output channels x 4 input channels) and
/// broadcasts each pixel's 4 input bytes as one 32-bit value. Scalar equivalent: <see cref="QuantizedReferenceKernels.Conv"/>.
/// </summary>
internal static unsafe class Int8DirectConv
{
    public const int TilePixels = IntegerConvTiling.TilePixels;
    public const int GroupChannels = IntegerConvTiling.GroupChannels;

    /// <summary>The weight range in which the <see cref="PairDotProduct256"/> path is exact.</summary>
    public const int MinPairWeight = -64, MaxPairWeight = 63;

    /// <summary>
    /// Packs weights given as [out][in][K][K] (OIHW) into [K · K][in / 4][out padded to 16][4], zero-filled: the 32
    /// bytes that one dot-product step reads for 8 output channels are contiguous.
    /// </summary>
    public static sbyte[] PackWeights(ReadOnlySpan<sbyte> weights, int outChannels, int inChannels, int kernelSize = 1)
    {
        int taps = kernelSize * kernelSize;
        if (weights.Length != outChannels * inChannels * taps)
            throw new ArgumentException($"Expected {outChannels} x {inChannels} x {kernelSize} x {kernelSize} weights, got {weights.Length}.", nameof(weights));
        int inPadded = PaddedInChannels(inChannels), outPadded = PaddedOutChannels(outChannels);
        var packed = new sbyte[taps * inPadded * outPadded];
        for (int o = 0; o < outChannels; o++)
        for (int i = 0; i < inChannels; i++)
        for (int t = 0; t < taps; t++)
            packed[((t * (inPadded >> 2) + (i >> 2)) * outPadded + o) * 4 + (i & 3)] = weights[(o * inChannels + i) * taps + t];
        return packed;
    }

    public static int PaddedInChannels(int channels) => (channels + 3) & ~3;

    public static int PaddedOutChannels(int channels) => IntegerConvTiling.PaddedOutChannels(channels);

    public static int ItemCount(in Int8ConvArgs a) => IntegerConvTiling.ItemCount(a.OutChannelsPadded, a.OutHeight, a.OutWidth);

    /// <summary>Runs every item on the calling thread.</summary>
    public static void Run<TDot>(in Int8ConvArgs a) where TDot : struct, IInt8DotProduct256
    {
        int n = ItemCount(a);
        for (int i = 0; i < n; i++)
            RunItem<TDot>(a, i);
    }

    /// <summary>Output-channel group, row and pixel range of an item (<see cref="IntegerConvTiling.Locate"/>).</summary>
    private static (int Group, int Row, int X0, int X1) Locate(in Int8ConvArgs a, int item) => IntegerConvTiling.Locate(a.OutChannelsPadded, a.OutWidth, item);

    /// <summary>The input pixel that tap (<paramref name="ky"/>, <paramref name="kx"/>) of output pixel (<paramref name="row"/>, <paramref name="x"/>) reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* TapInput(in Int8ConvArgs a, int row, int x, int ky, int kx) =>
        a.Input + (row * a.Stride + ky) * a.InRowStride + (x * a.Stride + kx) * a.InPixelStride;

    public static void RunItem<TDot>(in Int8ConvArgs a, int item) where TDot : struct, IInt8DotProduct256
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
    private static void Tile<TDot, TP>(in Int8ConvArgs a, in Requantizer requantize, int group, int row, int x, int first)
        where TDot : struct, IInt8DotProduct256 where TP : struct, IVectorCount
    {
        int oc = group * GroupChannels;
        Vector256<int> s0 = Vector256.Load(a.StartValues + oc), s1 = Vector256.Load(a.StartValues + oc + 8);
        Vector256<int> a00 = s0, a01 = s1, a10 = s0, a11 = s1, a20 = s0, a21 = s1;
        Vector256<int> a30 = s0, a31 = s1, a40 = s0, a41 = s1, a50 = s0, a51 = s1;

        nint stride = a.Stride * a.InPixelStride;
        nint weightStep = (nint)a.OutChannelsPadded * 4;
        sbyte* w = a.Weights + oc * 4;
        for (int ky = 0; ky < a.KernelSize; ky++)
        for (int kx = 0; kx < a.KernelSize; kx++)
        {
            byte* p0 = TapInput(a, row, x, ky, kx);
            for (int c = 0; c < a.InChannelsPadded; c += 4, w += weightStep)
            {
                Vector256<sbyte> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 32);
                Vector256<byte> b = Vector256.Create(*(int*)(p0 + c)).AsByte();
                a00 = TDot.Accumulate(a00, b, w0); a01 = TDot.Accumulate(a01, b, w1);
                if (TP.N > 1) { b = Vector256.Create(*(int*)(p0 + stride + c)).AsByte(); a10 = TDot.Accumulate(a10, b, w0); a11 = TDot.Accumulate(a11, b, w1); }
                if (TP.N > 2) { b = Vector256.Create(*(int*)(p0 + 2 * stride + c)).AsByte(); a20 = TDot.Accumulate(a20, b, w0); a21 = TDot.Accumulate(a21, b, w1); }
                if (TP.N > 3) { b = Vector256.Create(*(int*)(p0 + 3 * stride + c)).AsByte(); a30 = TDot.Accumulate(a30, b, w0); a31 = TDot.Accumulate(a31, b, w1); }
                if (TP.N > 4) { b = Vector256.Create(*(int*)(p0 + 4 * stride + c)).AsByte(); a40 = TDot.Accumulate(a40, b, w0); a41 = TDot.Accumulate(a41, b, w1); }
                if (TP.N > 5) { b = Vector256.Create(*(int*)(p0 + 5 * stride + c)).AsByte(); a50 = TDot.Accumulate(a50, b, w0); a51 = TDot.Accumulate(a51, b, w1); }
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
    /// summed from the start value, then <see cref="Quantization.Requantization"/> per channel.
    /// </summary>
    public static void RunItemScalar(in Int8ConvArgs a, int item)
    {
        var (group, row, x0, x1) = Locate(a, item);
        for (int p = 0; p < x1 - x0; p++)
        for (int oc = group * GroupChannels; oc < (group + 1) * GroupChannels; oc++)
        {
            int sum = a.StartValues[oc];
            for (int ky = 0; ky < a.KernelSize; ky++)
            for (int kx = 0; kx < a.KernelSize; kx++)
            {
                byte* input = TapInput(a, row, x0 + p, ky, kx);
                sbyte* w = a.Weights + (nint)(ky * a.KernelSize + kx) * (a.InChannelsPadded >> 2) * a.OutChannelsPadded * 4 + oc * 4;
                for (int c = 0; c < a.InChannelsPadded; c += 4, w += a.OutChannelsPadded * 4)
                    sum = unchecked(sum + input[c] * w[0] + input[c + 1] * w[1] + input[c + 2] * w[2] + input[c + 3] * w[3]);
            }
            if (a.FloatOutput != null)
            {
                nint f = group * a.FloatGroupStride + row * a.FloatRowStride + (x0 + p) * a.FloatPixelStride + (oc - group * GroupChannels);
                a.FloatOutput[f] = a.FloatResidual == null
                    ? Quantization.Requantization.ToFloat(sum, a.FloatMultipliers[oc])
                    : Quantization.Requantization.ToFloat(sum, a.FloatMultipliers[oc], a.FloatResidual[f]);
            }
            if (a.Output == null)
                continue;
            nint at = row * a.OutRowStride + (x0 + p) * a.OutPixelStride + oc;
            a.Output[at] = a.Residual == null
                ? Quantization.Requantization.ToUInt8(sum, a.Multipliers[oc], a.OutputZeroPoint, a.Relu)
                : Quantization.Requantization.ToUInt8(sum, a.Multipliers[oc], a.OutputZeroPoint, a.Relu, a.Residual[at], a.ResidualZeroPoint, a.ResidualMultiplier);
        }
    }

    /// <summary>
    /// The AVX512BW path: <c>vpmaddubsw</c>, <c>vpmaddwd</c> by ones, <c>vpaddd</c> at 512 bits, one vector of 16 output
    /// channels per group and 6 accumulators per item. Exact for weights in [<see cref="MinPairWeight"/>,
    /// <see cref="MaxPairWeight"/>], as <see cref="PairDotProduct256"/>. Needs <see cref="Avx512BW"/>.
    /// </summary>
    public static void Run512(in Int8ConvArgs a)
    {
        int n = ItemCount(a);
        for (int i = 0; i < n; i++)
            RunItem512(a, i);
    }

    public static void RunItem512(in Int8ConvArgs a, int item)
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
    private static void Tile512<TP>(in Int8ConvArgs a, in Requantizer requantize, int group, int row, int x, int first) where TP : struct, IVectorCount
    {
        int oc = group * GroupChannels;
        Vector512<int> start = Vector512.Load(a.StartValues + oc);
        Vector512<int> a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start;
        Vector512<short> ones = Vector512<short>.One;

        nint stride = a.Stride * a.InPixelStride;
        nint weightStep = (nint)a.OutChannelsPadded * 4;
        sbyte* w = a.Weights + oc * 4;
        for (int ky = 0; ky < a.KernelSize; ky++)
        for (int kx = 0; kx < a.KernelSize; kx++)
        {
            byte* p0 = TapInput(a, row, x, ky, kx);
            for (int c = 0; c < a.InChannelsPadded; c += 4, w += weightStep)
            {
                Vector512<sbyte> weights = Vector512.Load(w);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + c)).AsByte(), weights), ones);
                if (TP.N > 1) a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + stride + c)).AsByte(), weights), ones);
                if (TP.N > 2) a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 2 * stride + c)).AsByte(), weights), ones);
                if (TP.N > 3) a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 3 * stride + c)).AsByte(), weights), ones);
                if (TP.N > 4) a4 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 4 * stride + c)).AsByte(), weights), ones);
                if (TP.N > 5) a5 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Vector512.Create(*(int*)(p0 + 5 * stride + c)).AsByte(), weights), ones);
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
    /// <see cref="Quantization.Requantization"/>'s ToUInt8 (with or without a residual) and ToFloat (with or without a
    /// float residual) for the 16 channels of one group at the pixels of one item (a row segment).
    /// </summary>
    private readonly struct Requantizer(in Int8ConvArgs a, int group, int row, int x)
    {
        private readonly Vector256<float> m0 = Vector256.Load(a.Multipliers + group * GroupChannels), m1 = Vector256.Load(a.Multipliers + group * GroupChannels + 8);
        private readonly Vector256<float> zeroPoint = Vector256.Create((float)a.OutputZeroPoint);
        private readonly Vector256<float> low = Vector256.Create(a.Relu ? (float)a.OutputZeroPoint : 0f);
        private readonly Vector256<float> high = Vector256.Create(255f);
        private readonly byte* output = a.Output == null ? null : a.Output + row * a.OutRowStride + x * a.OutPixelStride + group * GroupChannels;
        private readonly nint pixelStride = a.OutPixelStride;
        private readonly nint residualDelta = a.Residual == null ? 0 : (nint)(a.Residual - a.Output);
        private readonly bool hasResidual = a.Residual != null;
        private readonly Vector256<float> residualZero = Vector256.Create((float)a.ResidualZeroPoint), residualMultiplier = Vector256.Create(a.ResidualMultiplier);
        private readonly FloatAccumulatorStore floats = new(a.FloatOutput, a.FloatGroupStride, a.FloatRowStride, a.FloatPixelStride, a.FloatResidual,
            a.FloatMultipliers, group, row, x);

        /// <summary>Stores pixel <paramref name="p"/> of the item: its accumulators for channels 0..7 and 8..15 of the group.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int p, Vector256<int> first, Vector256<int> second)
        {
            floats.Store(p, first, second);
            if (output == null)
                return;
            byte* destination = output + p * pixelStride;
            Vector256<float> u0 = Vector256.ConvertToSingle(first) * m0, u1 = Vector256.ConvertToSingle(second) * m1;
            if (hasResidual)
            {
                // The 16 residual bytes of these channels, widened to two vectors of 8 floats.
                Vector256<ushort> words = Vector256.WidenLower(Vector256.Create(Vector128.Load(destination + residualDelta), Vector128<byte>.Zero));
                u0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.WidenLower(words).AsInt32()) - residualZero, residualMultiplier, u0);
                u1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.WidenUpper(words).AsInt32()) - residualZero, residualMultiplier, u1);
            }
            Vector256<short> packed = Vector256.Narrow(Clamp(u0), Clamp(u1));
            Vector256.Narrow(packed, packed).AsByte().GetLower().Store(destination); // values 0..255: truncation keeps them
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector256<int> Clamp(Vector256<float> v)
        {
            v = Vector256.Round(v) + zeroPoint; // Round is to nearest, ties to even
            return Vector256.ConvertToInt32Native(Vector256.Min(Vector256.Max(v, low), high)); // an integer in range: truncation is exact
        }
    }
}

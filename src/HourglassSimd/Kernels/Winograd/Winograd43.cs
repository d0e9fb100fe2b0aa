using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels;

/// <summary>
/// Winograd F(4x4, 3x3) for 3x3 stride-1 pad-1 convolutions (Lavin and Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2016, with interpolation points 0, ±1, ±2, ∞): each 4x4 output tile costs 36 multiplications
/// per (input, output) channel pair instead of 144:
/// <c>Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A</c> for a 6x6 input tile d and the 3x3 kernel g.
/// </summary>
/// <remarks>
/// Three phases over NCHW16c data, each split into items for the worker pool:
/// (1) <see cref="InputTransformItem{TV}"/> writes V[ξν] = (Bᵀ d B)[ξ][ν] for every tile and input channel,
/// laid out like a 16c activation whose "pixels" are the tiles; (2) 36 independent products
/// M[ξν] = V[ξν] · U[ξν] over the channels, run by <see cref="DirectConv"/> as 1x1 convolutions over the tiles;
/// (3) <see cref="OutputTransformItem{TV}"/> turns M into 4x4 output tiles, adding bias and applying ReLU.
/// Vector lanes are channels throughout, so the transforms are plain vector adds and multiplies.
/// </remarks>
internal static unsafe class Winograd43
{
    public const int TileSize = 4;
    public const int Positions = 36;

    /// <summary>
    /// U[ξν][i][o] = (G g_{o,i} Gᵀ)[ξ][ν], o padded to <paramref name="outChannelsPadded"/>: 36 weight matrices
    /// in the blocked [i][o] layout <see cref="DirectConv"/> reads for a 1x1 convolution (<see cref="WeightBlocks"/>).
    /// Computed in double.
    /// </summary>
    public static float[] TransformWeights(ConvParameters conv, int outChannelsPadded)
    {
        if (conv.KernelSize != 3)
            throw new ArgumentException("Winograd F(4x4, 3x3) needs a 3x3 kernel.");
        int ic = conv.InChannels;
        var u = new float[Positions * ic * outChannelsPadded];
        Span<double> g = stackalloc double[9];
        Span<double> gg = stackalloc double[18]; // G g: 6x3
        for (int o = 0; o < conv.OutChannels; o++)
        for (int i = 0; i < ic; i++)
        {
            for (int k = 0; k < 9; k++)
                g[k] = conv.Weights[(o * ic + i) * 9 + k];
            for (int c = 0; c < 3; c++)
            {
                WeightColumn(g[c], g[3 + c], g[6 + c], out double r0, out double r1, out double r2, out double r3, out double r4, out double r5);
                gg[0 * 3 + c] = r0; gg[1 * 3 + c] = r1; gg[2 * 3 + c] = r2; gg[3 * 3 + c] = r3; gg[4 * 3 + c] = r4; gg[5 * 3 + c] = r5;
            }
            for (int xi = 0; xi < 6; xi++)
            {
                WeightColumn(gg[xi * 3], gg[xi * 3 + 1], gg[xi * 3 + 2], out double r0, out double r1, out double r2, out double r3, out double r4, out double r5);
                ReadOnlySpan<double> row = [r0, r1, r2, r3, r4, r5];
                for (int nu = 0; nu < 6; nu++)
                    u[(xi * 6 + nu) * ic * outChannelsPadded + WeightBlocks.Index(i, o, ic, outChannelsPadded)] = (float)row[nu];
            }
        }
        return u;
    }

    /// <summary>G·(g0, g1, g2)ᵀ.</summary>
    private static void WeightColumn(double g0, double g1, double g2, out double r0, out double r1, out double r2, out double r3, out double r4, out double r5)
    {
        r0 = g0 / 4;
        r1 = -(g0 + g1 + g2) / 6;
        r2 = -(g0 - g1 + g2) / 6;
        r3 = g0 / 24 + g1 / 12 + g2 / 6;
        r4 = g0 / 24 - g1 / 12 + g2 / 6;
        r5 = g2;
    }

    /// <summary>
    /// Phase 1, item = (tile row, input channel group): V[ξν] for every tile of the row. Items are numbered row first,
    /// like a direct convolution's, so a thread's share of them (<see cref="Threading.WorkerPool"/>) reads the rows it
    /// wrote in the layer before. <paramref name="input"/>
    /// points at the padded origin of a 16c tensor with a halo of at least 1 (row −1, column −1).
    /// V is laid out [ξν][group][tile][16], ξν stride <paramref name="positionStride"/>, group stride <paramref name="tileGroupStride"/>.
    /// </summary>
    public static void InputTransformItem<TV>(float* input, nint groupStride, nint rowStride, int groups, int tilesX,
        float* v, nint positionStride, nint tileGroupStride, int item) where TV : unmanaged
    {
        int count = Vec.Count<TV>();
        (int ty, int group) = Math.DivRem(item, groups);
        TV four = Splat<TV>(4f), five = Splat<TV>(5f), two = Splat<TV>(2f);
        TV* t = stackalloc TV[36]; // a pointer, not a Span: no bounds checks in the transform
        for (int tx = 0; tx < tilesX; tx++)
        {
            float* origin = input + group * groupStride + 4 * ty * rowStride + (nint)4 * tx * 16;
            float* destination = v + group * tileGroupStride + (nint)(ty * tilesX + tx) * 16;
            if (Sse.IsSupported)
            {
                // The next tile's line in each of the 36 position planes: more write streams than the prefetchers
                // follow (up to 2.5% off a 2-stack pass in one process; one of five runs showed no change).
                for (int position = 0; position < Positions; position++)
                    Sse.Prefetch0(destination + position * positionStride + 16);
            }
            for (int lane = 0; lane < 16; lane += count)
            {
                // Columns: t[i][j] = (Bᵀ d)[i][j].
                for (int j = 0; j < 6; j++)
                {
                    float* p = origin + j * 16 + lane;
                    InputColumn(Vec.Load<TV>(p), Vec.Load<TV>(p + rowStride), Vec.Load<TV>(p + 2 * rowStride),
                        Vec.Load<TV>(p + 3 * rowStride), Vec.Load<TV>(p + 4 * rowStride), Vec.Load<TV>(p + 5 * rowStride),
                        four, five, two, out t[j], out t[6 + j], out t[12 + j], out t[18 + j], out t[24 + j], out t[30 + j]);
                }
                // Rows: V[i][ν] = (t B)[i][ν].
                for (int i = 0; i < 6; i++)
                {
                    InputColumn(t[6 * i], t[6 * i + 1], t[6 * i + 2], t[6 * i + 3], t[6 * i + 4], t[6 * i + 5],
                        four, five, two, out TV r0, out TV r1, out TV r2, out TV r3, out TV r4, out TV r5);
                    float* d = destination + (6 * i) * positionStride + lane;
                    Vec.Store(d, r0);
                    Vec.Store(d + positionStride, r1);
                    Vec.Store(d + 2 * positionStride, r2);
                    Vec.Store(d + 3 * positionStride, r3);
                    Vec.Store(d + 4 * positionStride, r4);
                    Vec.Store(d + 5 * positionStride, r5);
                }
            }
        }
    }

    /// <summary>Bᵀ·(d0..d5)ᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputColumn<TV>(TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, TV four, TV five, TV two,
        out TV r0, out TV r1, out TV r2, out TV r3, out TV r4, out TV r5) where TV : struct
    {
        // r0 = 4d0 − 5d2 + d4; r5 = 4d1 − 5d3 + d5
        r0 = Vec.MulAdd(four, d0, Vec.Sub(d4, Vec.Mul(five, d2)));
        r5 = Vec.MulAdd(four, d1, Vec.Sub(d5, Vec.Mul(five, d3)));
        // r1,2 = d4 + d3 ∓ 4(d1 + d2) ... written as (d4 − 4d2) ± (d3 − 4d1)
        TV a = Vec.Sub(d4, Vec.Mul(four, d2));
        TV b = Vec.Sub(d3, Vec.Mul(four, d1));
        r1 = Vec.Add(a, b);
        r2 = Vec.Sub(a, b);
        // r3,4 = (d4 − d2) ± 2(d3 − d1)
        TV c = Vec.Sub(d4, d2);
        TV e = Vec.Mul(two, Vec.Sub(d3, d1));
        r3 = Vec.Add(c, e);
        r4 = Vec.Sub(c, e);
    }

    /// <summary>
    /// Phase 3, item = (tile row, output channel group), numbered row first (see <see cref="InputTransformItem{TV}"/>):
    /// Y = Aᵀ M A for every tile of the row, plus bias, then ReLU if asked, stored into a 16c output (<paramref name="output"/> at its interior origin).
    /// M is laid out [ξν][group][tile][16], ξν stride <paramref name="positionStride"/>, group stride <paramref name="tileGroupStride"/>.
    /// </summary>
    public static void OutputTransformItem<TV>(float* m, nint positionStride, nint tileGroupStride, int groups, int tilesX, float* bias,
        float* output, nint outGroupStride, nint outRowStride, bool relu, int item) where TV : unmanaged
    {
        int count = Vec.Count<TV>();
        (int ty, int group) = Math.DivRem(item, groups);
        TV two = Splat<TV>(2f), four = Splat<TV>(4f), eight = Splat<TV>(8f);
        TV* s = stackalloc TV[24];
        for (int tx = 0; tx < tilesX; tx++)
        {
            float* source = m + group * tileGroupStride + (nint)(ty * tilesX + tx) * 16;
            float* origin = output + group * outGroupStride + 4 * ty * outRowStride + (nint)4 * tx * 16;
            if (Sse.IsSupported)
            {
                // The next tile's line in each of the 36 position planes of M (as in the input transform).
                for (int position = 0; position < Positions; position++)
                    Sse.Prefetch0(source + position * positionStride + 16);
            }
            for (int lane = 0; lane < 16; lane += count)
            {
                TV b = Vec.Load<TV>(bias + group * 16 + lane);
                // Columns: s[y][ν] = (Aᵀ M)[y][ν].
                for (int nu = 0; nu < 6; nu++)
                {
                    float* p = source + nu * positionStride + lane;
                    nint step = 6 * positionStride;
                    OutputColumn(Vec.Load<TV>(p), Vec.Load<TV>(p + step), Vec.Load<TV>(p + 2 * step), Vec.Load<TV>(p + 3 * step),
                        Vec.Load<TV>(p + 4 * step), Vec.Load<TV>(p + 5 * step), two, four, eight,
                        out s[nu], out s[6 + nu], out s[12 + nu], out s[18 + nu]);
                }
                // Rows: Y[y][x] = (s A)[y][x].
                for (int y = 0; y < 4; y++)
                {
                    OutputColumn(s[6 * y], s[6 * y + 1], s[6 * y + 2], s[6 * y + 3], s[6 * y + 4], s[6 * y + 5], two, four, eight,
                        out TV y0, out TV y1, out TV y2, out TV y3);
                    float* row = origin + y * outRowStride + lane;
                    Vec.Store(row, Finish(y0, b, relu));
                    Vec.Store(row + 16, Finish(y1, b, relu));
                    Vec.Store(row + 32, Finish(y2, b, relu));
                    Vec.Store(row + 48, Finish(y3, b, relu));
                }
            }
        }
    }

    /// <summary>Aᵀ·(m0..m5)ᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputColumn<TV>(TV m0, TV m1, TV m2, TV m3, TV m4, TV m5, TV two, TV four, TV eight,
        out TV y0, out TV y1, out TV y2, out TV y3) where TV : struct
    {
        TV sum12 = Vec.Add(m1, m2), diff12 = Vec.Sub(m1, m2);
        TV sum34 = Vec.Add(m3, m4), diff34 = Vec.Sub(m3, m4);
        y0 = Vec.Add(Vec.Add(m0, sum12), sum34);
        y1 = Vec.MulAdd(two, diff34, diff12);
        y2 = Vec.MulAdd(four, sum34, sum12);
        y3 = Vec.Add(Vec.MulAdd(eight, diff34, diff12), m5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Finish<TV>(TV value, TV bias, bool relu) where TV : struct
    {
        value = Vec.Add(value, bias);
        return relu ? Vec.Max(value, Vec.Zero<TV>()) : value;
    }

    private static TV Splat<TV>(float value) where TV : struct => Vec.Broadcast<TV>(&value);
}

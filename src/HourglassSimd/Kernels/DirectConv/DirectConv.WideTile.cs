using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels;

internal static unsafe partial class DirectConv
{
    /// <summary>
    /// The micro-kernel for narrow layers: <see cref="WidePixels"/> consecutive output pixels × <c>TB.N</c> (1 or 2)
    /// output vectors. A layer with one or two vectors of output channels (pruned and bottleneck layers, the stem) gets
    /// only 6 or 12 accumulators from the 6-pixel <see cref="Tile{TV, TP, TB}"/>: too few independent FMA chains to
    /// cover the FMA latency, and one broadcast load per FMA or two. Twelve pixels give 12 or 24 chains (at 12 x 2,
    /// 24 accumulators + 2 weights + 1 broadcast = 27 of 32 registers; on 16-register CPUs only 12 x 1 is used).
    /// Every output sums its terms in the same order as in <see cref="Tile{TV, TP, TB}"/>, so the result is the
    /// same bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTile<TV, TB>(in TileArgs t, float* input, float* o0, float* o1)
        where TV : struct where TB : struct, IVectorCount
    {
        int count = Vec.Count<TV>();
        TV a0 = Vec.Zero<TV>(), a1 = Vec.Zero<TV>(), a2 = Vec.Zero<TV>(), a3 = Vec.Zero<TV>(), a4 = Vec.Zero<TV>(), a5 = Vec.Zero<TV>(), a6 = Vec.Zero<TV>(), a7 = Vec.Zero<TV>(), a8 = Vec.Zero<TV>(), a9 = Vec.Zero<TV>(), a10 = Vec.Zero<TV>(), a11 = Vec.Zero<TV>();
        TV c0 = Vec.Zero<TV>(), c1 = Vec.Zero<TV>(), c2 = Vec.Zero<TV>(), c3 = Vec.Zero<TV>(), c4 = Vec.Zero<TV>(), c5 = Vec.Zero<TV>(), c6 = Vec.Zero<TV>(), c7 = Vec.Zero<TV>(), c8 = Vec.Zero<TV>(), c9 = Vec.Zero<TV>(), c10 = Vec.Zero<TV>(), c11 = Vec.Zero<TV>();

        if (Sse.IsSupported)
        {
            PrefetchWideLines<TB>(o0, o1, 0);
            if (t.HasResidual && t.ResidualDelta != 0)
                PrefetchWideLines<TB>(o0, o1, t.ResidualDelta);
        }
        nint s1 = t.PixelStep, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, s5 = 5 * s1, s6 = 6 * s1;
        float* w = t.Weights;
        for (int ky = 0; ky < t.KernelHeight; ky++)
        for (int kx = 0; kx < t.KernelWidth; kx++)
        {
            float* group = input + ky * t.RowStride + kx * t.InPack;
            int remaining = t.InChannels;
            while (remaining > 0)
            {
                int lanes = Math.Min(t.InPack, remaining);
                float* p = group;
                if (Sse.IsSupported && t.PrefetchNext)
                {
                    byte* next = (byte*)(group + WidePixels * s1);
                    for (int line = 0; line < WidePixels; line++)
                        Sse.Prefetch0(next + line * 64);
                }
                for (int lane = 0; lane < lanes; lane++, p++, w += t.WeightRowStride)
                {
                    TV w0 = Vec.Load<TV>(w);
                    TV w1 = TB.N > 1 ? Vec.Load<TV>(w + count) : w0;
                    float* q = p + s6; // pixels 6 to 11, so that the offsets stay s1 to s5
                    TV b;
                    b = Vec.Broadcast<TV>(p);
                    a0 = Vec.MulAdd(w0, b, a0);
                    if (TB.N > 1) c0 = Vec.MulAdd(w1, b, c0);
                    b = Vec.Broadcast<TV>(p + s1);
                    a1 = Vec.MulAdd(w0, b, a1);
                    if (TB.N > 1) c1 = Vec.MulAdd(w1, b, c1);
                    b = Vec.Broadcast<TV>(p + s2);
                    a2 = Vec.MulAdd(w0, b, a2);
                    if (TB.N > 1) c2 = Vec.MulAdd(w1, b, c2);
                    b = Vec.Broadcast<TV>(p + s3);
                    a3 = Vec.MulAdd(w0, b, a3);
                    if (TB.N > 1) c3 = Vec.MulAdd(w1, b, c3);
                    b = Vec.Broadcast<TV>(p + s4);
                    a4 = Vec.MulAdd(w0, b, a4);
                    if (TB.N > 1) c4 = Vec.MulAdd(w1, b, c4);
                    b = Vec.Broadcast<TV>(p + s5);
                    a5 = Vec.MulAdd(w0, b, a5);
                    if (TB.N > 1) c5 = Vec.MulAdd(w1, b, c5);
                    b = Vec.Broadcast<TV>(q);
                    a6 = Vec.MulAdd(w0, b, a6);
                    if (TB.N > 1) c6 = Vec.MulAdd(w1, b, c6);
                    b = Vec.Broadcast<TV>(q + s1);
                    a7 = Vec.MulAdd(w0, b, a7);
                    if (TB.N > 1) c7 = Vec.MulAdd(w1, b, c7);
                    b = Vec.Broadcast<TV>(q + s2);
                    a8 = Vec.MulAdd(w0, b, a8);
                    if (TB.N > 1) c8 = Vec.MulAdd(w1, b, c8);
                    b = Vec.Broadcast<TV>(q + s3);
                    a9 = Vec.MulAdd(w0, b, a9);
                    if (TB.N > 1) c9 = Vec.MulAdd(w1, b, c9);
                    b = Vec.Broadcast<TV>(q + s4);
                    a10 = Vec.MulAdd(w0, b, a10);
                    if (TB.N > 1) c10 = Vec.MulAdd(w1, b, c10);
                    b = Vec.Broadcast<TV>(q + s5);
                    a11 = Vec.MulAdd(w0, b, a11);
                    if (TB.N > 1) c11 = Vec.MulAdd(w1, b, c11);
                }
                group += t.GroupStride;
                remaining -= lanes;
            }
        }

        // Epilogue: output pixel P of vector V lives at oV + P·16 (NCHW16c).
        TV b0 = Vec.Load<TV>(t.Bias);
        Finish(t, o0 + 0, a0, b0);
        Finish(t, o0 + 16, a1, b0);
        Finish(t, o0 + 32, a2, b0);
        Finish(t, o0 + 48, a3, b0);
        Finish(t, o0 + 64, a4, b0);
        Finish(t, o0 + 80, a5, b0);
        Finish(t, o0 + 96, a6, b0);
        Finish(t, o0 + 112, a7, b0);
        Finish(t, o0 + 128, a8, b0);
        Finish(t, o0 + 144, a9, b0);
        Finish(t, o0 + 160, a10, b0);
        Finish(t, o0 + 176, a11, b0);
        if (TB.N > 1)
        {
            TV b1 = Vec.Load<TV>(t.Bias + count);
            Finish(t, o1 + 0, c0, b1);
            Finish(t, o1 + 16, c1, b1);
            Finish(t, o1 + 32, c2, b1);
            Finish(t, o1 + 48, c3, b1);
            Finish(t, o1 + 64, c4, b1);
            Finish(t, o1 + 80, c5, b1);
            Finish(t, o1 + 96, c6, b1);
            Finish(t, o1 + 112, c7, b1);
            Finish(t, o1 + 128, c8, b1);
            Finish(t, o1 + 144, c9, b1);
            Finish(t, o1 + 160, c10, b1);
            Finish(t, o1 + 176, c11, b1);
        }
    }

    /// <summary>Prefetches a wide tile's output lines, shifted by <paramref name="delta"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchWideLines<TB>(float* o0, float* o1, nint delta) where TB : struct, IVectorCount
    {
        for (int px = 0; px < WidePixels; px++)
        {
            Sse.Prefetch0(o0 + delta + px * 16);
            if (TB.N > 1) Sse.Prefetch0(o1 + delta + px * 16);
        }
    }
}

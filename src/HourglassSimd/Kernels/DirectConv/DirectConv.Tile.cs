using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels;

internal static unsafe partial class DirectConv
{
    /// <summary>
    /// The micro-kernel: <c>TP.N</c> (≤ 6) consecutive output pixels × <c>TB.N</c> (≤ 4) output vectors, both
    /// compile-time counts, so each instantiation keeps only its live accumulators. Accumulator <c>aPV</c> holds
    /// pixel P, vector V (each lane one output channel). Loop order: tap (ky, kx), then input channel; per step load
    /// TB.N weight vectors, then per pixel broadcast one input scalar and do TB.N FMAs. At 6 × 4: 24 accumulators +
    /// 4 weights + 1 broadcast = 29 of the 32 vector registers that AVX-512 (EVEX) gives.
    /// Scalar equivalent: <c>acc[p][v] += W[ky, kx, i][oc(v)] · in[i, y·s + ky, (x0 + p)·s + kx]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TV, TP, TB>(in TileArgs t, float* input, float* o0, float* o1, float* o2, float* o3)
        where TV : struct where TP : struct, IVectorCount where TB : struct, IVectorCount
    {
        int count = Vec.Count<TV>();
        TV a00 = Vec.Zero<TV>(), a01 = Vec.Zero<TV>(), a02 = Vec.Zero<TV>(), a03 = Vec.Zero<TV>();
        TV a10 = Vec.Zero<TV>(), a11 = Vec.Zero<TV>(), a12 = Vec.Zero<TV>(), a13 = Vec.Zero<TV>();
        TV a20 = Vec.Zero<TV>(), a21 = Vec.Zero<TV>(), a22 = Vec.Zero<TV>(), a23 = Vec.Zero<TV>();
        TV a30 = Vec.Zero<TV>(), a31 = Vec.Zero<TV>(), a32 = Vec.Zero<TV>(), a33 = Vec.Zero<TV>();
        TV a40 = Vec.Zero<TV>(), a41 = Vec.Zero<TV>(), a42 = Vec.Zero<TV>(), a43 = Vec.Zero<TV>();
        TV a50 = Vec.Zero<TV>(), a51 = Vec.Zero<TV>(), a52 = Vec.Zero<TV>(), a53 = Vec.Zero<TV>();

        if (Sse.IsSupported)
        {
            // The lines the epilogue writes (and the residual lines it adds), fetched while the tile accumulates: they
            // were last touched a layer ago and are usually in L3. Measured on the 2-stack network: 2% (one thread,
            // direct) to 6% (two threads, Winograd, whose products store here too) off a pass.
            PrefetchLines<TP, TB>(o0, o1, o2, o3, 0);
            if (t.HasResidual && t.ResidualDelta != 0)
                PrefetchLines<TP, TB>(o0, o1, o2, o3, t.ResidualDelta);
        }
        nint s1 = t.PixelStep, s2 = 2 * s1, s3 = 3 * s1, s4 = 4 * s1, s5 = 5 * s1;
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
                    // The next tile's pixels of this channel group: TP.N lines of 16 channels each.
                    byte* next = (byte*)(group + TP.N * s1);
                    for (int line = 0; line < TP.N; line++)
                        Sse.Prefetch0(next + line * 64);
                }
                for (int lane = 0; lane < lanes; lane++, p++, w += t.WeightRowStride)
                {
                    TV w0 = Vec.Load<TV>(w);
                    TV w1 = TB.N > 1 ? Vec.Load<TV>(w + count) : w0;
                    TV w2 = TB.N > 2 ? Vec.Load<TV>(w + 2 * count) : w0;
                    TV w3 = TB.N > 3 ? Vec.Load<TV>(w + 3 * count) : w0;
                    TV b;
                    {
                        b = Vec.Broadcast<TV>(p);
                        a00 = Vec.MulAdd(w0, b, a00);
                        if (TB.N > 1) a01 = Vec.MulAdd(w1, b, a01);
                        if (TB.N > 2) a02 = Vec.MulAdd(w2, b, a02);
                        if (TB.N > 3) a03 = Vec.MulAdd(w3, b, a03);
                    }
                    if (TP.N > 1)
                    {
                        b = Vec.Broadcast<TV>(p + s1);
                        a10 = Vec.MulAdd(w0, b, a10);
                        if (TB.N > 1) a11 = Vec.MulAdd(w1, b, a11);
                        if (TB.N > 2) a12 = Vec.MulAdd(w2, b, a12);
                        if (TB.N > 3) a13 = Vec.MulAdd(w3, b, a13);
                    }
                    if (TP.N > 2)
                    {
                        b = Vec.Broadcast<TV>(p + s2);
                        a20 = Vec.MulAdd(w0, b, a20);
                        if (TB.N > 1) a21 = Vec.MulAdd(w1, b, a21);
                        if (TB.N > 2) a22 = Vec.MulAdd(w2, b, a22);
                        if (TB.N > 3) a23 = Vec.MulAdd(w3, b, a23);
                    }
                    if (TP.N > 3)
                    {
                        b = Vec.Broadcast<TV>(p + s3);
                        a30 = Vec.MulAdd(w0, b, a30);
                        if (TB.N > 1) a31 = Vec.MulAdd(w1, b, a31);
                        if (TB.N > 2) a32 = Vec.MulAdd(w2, b, a32);
                        if (TB.N > 3) a33 = Vec.MulAdd(w3, b, a33);
                    }
                    if (TP.N > 4)
                    {
                        b = Vec.Broadcast<TV>(p + s4);
                        a40 = Vec.MulAdd(w0, b, a40);
                        if (TB.N > 1) a41 = Vec.MulAdd(w1, b, a41);
                        if (TB.N > 2) a42 = Vec.MulAdd(w2, b, a42);
                        if (TB.N > 3) a43 = Vec.MulAdd(w3, b, a43);
                    }
                    if (TP.N > 5)
                    {
                        b = Vec.Broadcast<TV>(p + s5);
                        a50 = Vec.MulAdd(w0, b, a50);
                        if (TB.N > 1) a51 = Vec.MulAdd(w1, b, a51);
                        if (TB.N > 2) a52 = Vec.MulAdd(w2, b, a52);
                        if (TB.N > 3) a53 = Vec.MulAdd(w3, b, a53);
                    }
                }
                group += t.GroupStride;
                remaining -= lanes;
            }
        }

        // Epilogue: output pixel P of vector V lives at oV + P·16 (NCHW16c).
        TV b0 = Vec.Load<TV>(t.Bias + 0 * count);
        Finish(t, o0 + 0, a00, b0);
        if (TP.N > 1) Finish(t, o0 + 16, a10, b0);
        if (TP.N > 2) Finish(t, o0 + 32, a20, b0);
        if (TP.N > 3) Finish(t, o0 + 48, a30, b0);
        if (TP.N > 4) Finish(t, o0 + 64, a40, b0);
        if (TP.N > 5) Finish(t, o0 + 80, a50, b0);
        if (TB.N > 1)
        {
            TV b1 = Vec.Load<TV>(t.Bias + 1 * count);
            Finish(t, o1 + 0, a01, b1);
            if (TP.N > 1) Finish(t, o1 + 16, a11, b1);
            if (TP.N > 2) Finish(t, o1 + 32, a21, b1);
            if (TP.N > 3) Finish(t, o1 + 48, a31, b1);
            if (TP.N > 4) Finish(t, o1 + 64, a41, b1);
            if (TP.N > 5) Finish(t, o1 + 80, a51, b1);
        }
        if (TB.N > 2)
        {
            TV b2 = Vec.Load<TV>(t.Bias + 2 * count);
            Finish(t, o2 + 0, a02, b2);
            if (TP.N > 1) Finish(t, o2 + 16, a12, b2);
            if (TP.N > 2) Finish(t, o2 + 32, a22, b2);
            if (TP.N > 3) Finish(t, o2 + 48, a32, b2);
            if (TP.N > 4) Finish(t, o2 + 64, a42, b2);
            if (TP.N > 5) Finish(t, o2 + 80, a52, b2);
        }
        if (TB.N > 3)
        {
            TV b3 = Vec.Load<TV>(t.Bias + 3 * count);
            Finish(t, o3 + 0, a03, b3);
            if (TP.N > 1) Finish(t, o3 + 16, a13, b3);
            if (TP.N > 2) Finish(t, o3 + 32, a23, b3);
            if (TP.N > 3) Finish(t, o3 + 48, a33, b3);
            if (TP.N > 4) Finish(t, o3 + 64, a43, b3);
            if (TP.N > 5) Finish(t, o3 + 80, a53, b3);
        }
    }

    /// <summary>Prefetches the tile's output lines (pixel P of vector V at oV + P·16), shifted by <paramref name="delta"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchLines<TP, TB>(float* o0, float* o1, float* o2, float* o3, nint delta)
        where TP : struct, IVectorCount where TB : struct, IVectorCount
    {
        for (int px = 0; px < TP.N; px++)
        {
            Sse.Prefetch0(o0 + delta + px * 16);
            if (TB.N > 1) Sse.Prefetch0(o1 + delta + px * 16);
            if (TB.N > 2) Sse.Prefetch0(o2 + delta + px * 16);
            if (TB.N > 3) Sse.Prefetch0(o3 + delta + px * 16);
        }
    }
}

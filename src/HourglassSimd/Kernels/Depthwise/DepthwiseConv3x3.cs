using System.Runtime.CompilerServices;

namespace HourglassSimd.Kernels;

/// <summary>
/// 3x3 stride-1 depthwise convolution on NCHW16c data (MobileNet's per-channel filter): each channel is filtered by its
/// own 3x3 kernel, so vector lanes are channels and there is no reduction across lanes. It does 9 FMAs per 16 channels
/// and pixel against 9 loads, so it is bound by memory and load bandwidth, not by the FMA units.
/// </summary>
/// <remarks>
/// Work items are (channel group, output row). Per vector of lanes an item keeps the 9 weight vectors and the bias in
/// registers and walks the row 4 pixels at a time: 4 independent accumulator chains hide the FMA latency.
/// </remarks>
internal static unsafe class DepthwiseConv3x3
{
    private const int PixelsPerStep = 4;

    public static int ItemCount(in DepthwiseConvArgs a) => a.Groups * a.Height;

    /// <summary>Runs all items on the calling thread.</summary>
    public static void Run<TV>(in DepthwiseConvArgs a) where TV : struct
    {
        int n = ItemCount(a);
        for (int i = 0; i < n; i++)
            RunItem<TV>(a, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunItem<TV>(in DepthwiseConvArgs a, int item) where TV : struct
    {
        int count = Vec.Count<TV>();
        int group = item / a.Height;
        int y = item - group * a.Height;
        float* inRow = a.Input + group * a.InGroupStride + y * a.InRowStride;
        float* outRow = a.Output + group * a.OutGroupStride + y * a.OutRowStride;
        nint residualDelta = a.Residual == null ? 0 : (nint)(a.Residual - a.Output);
        nint r1 = a.InRowStride, r2 = 2 * a.InRowStride;
        float* weights = a.Weights + group * 9 * 16;

        for (int lane = 0; lane < 16; lane += count)
        {
            TV w0 = Vec.Load<TV>(weights + 0 * 16 + lane), w1 = Vec.Load<TV>(weights + 1 * 16 + lane), w2 = Vec.Load<TV>(weights + 2 * 16 + lane);
            TV w3 = Vec.Load<TV>(weights + 3 * 16 + lane), w4 = Vec.Load<TV>(weights + 4 * 16 + lane), w5 = Vec.Load<TV>(weights + 5 * 16 + lane);
            TV w6 = Vec.Load<TV>(weights + 6 * 16 + lane), w7 = Vec.Load<TV>(weights + 7 * 16 + lane), w8 = Vec.Load<TV>(weights + 8 * 16 + lane);
            TV bias = Vec.Load<TV>(a.Bias + group * 16 + lane);

            int x = 0;
            for (; x + PixelsPerStep <= a.Width; x += PixelsPerStep)
            {
                float* p = inRow + (nint)x * 16 + lane;
                TV s0 = Taps(p, r1, r2, bias, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV s1 = Taps(p + 16, r1, r2, bias, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV s2 = Taps(p + 32, r1, r2, bias, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                TV s3 = Taps(p + 48, r1, r2, bias, w0, w1, w2, w3, w4, w5, w6, w7, w8);
                float* o = outRow + (nint)x * 16 + lane;
                Finish(a, o, residualDelta, s0);
                Finish(a, o + 16, residualDelta, s1);
                Finish(a, o + 32, residualDelta, s2);
                Finish(a, o + 48, residualDelta, s3);
            }
            for (; x < a.Width; x++)
            {
                float* p = inRow + (nint)x * 16 + lane;
                Finish(a, outRow + (nint)x * 16 + lane, residualDelta, Taps(p, r1, r2, bias, w0, w1, w2, w3, w4, w5, w6, w7, w8));
            }
        }
    }

    /// <summary>bias + the 9 taps of one output pixel, in (ky, kx) order; <paramref name="p"/> is its top-left input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Taps<TV>(float* p, nint r1, nint r2, TV bias, TV w0, TV w1, TV w2, TV w3, TV w4, TV w5, TV w6, TV w7, TV w8)
        where TV : struct
    {
        TV s = Vec.MulAdd(w0, Vec.Load<TV>(p), bias);
        s = Vec.MulAdd(w1, Vec.Load<TV>(p + 16), s);
        s = Vec.MulAdd(w2, Vec.Load<TV>(p + 32), s);
        s = Vec.MulAdd(w3, Vec.Load<TV>(p + r1), s);
        s = Vec.MulAdd(w4, Vec.Load<TV>(p + r1 + 16), s);
        s = Vec.MulAdd(w5, Vec.Load<TV>(p + r1 + 32), s);
        s = Vec.MulAdd(w6, Vec.Load<TV>(p + r2), s);
        s = Vec.MulAdd(w7, Vec.Load<TV>(p + r2 + 16), s);
        return Vec.MulAdd(w8, Vec.Load<TV>(p + r2 + 32), s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TV>(in DepthwiseConvArgs a, float* o, nint residualDelta, TV acc) where TV : struct
    {
        if (a.Residual != null)
            acc = Vec.Add(acc, Vec.Load<TV>(o + residualDelta));
        if (a.Relu)
            acc = Vec.Max(acc, Vec.Zero<TV>());
        Vec.Store(o, acc);
    }
}

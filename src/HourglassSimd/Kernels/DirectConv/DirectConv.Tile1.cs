using System.Runtime.CompilerServices;

namespace HourglassSimd.Kernels;

internal static unsafe partial class DirectConv
{
    /// <summary>
    /// Remainder micro-kernel: one output pixel × <c>TB.N</c> output vectors, for row ends shorter than 6 pixels.
    /// Same loop order and packed weights as <see cref="Tile6{TV, TB}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1<TV, TB>(in TileArgs t, float* input, float* o0, float* o1, float* o2, float* o3)
        where TV : struct where TB : struct, IVectorCount
    {
        int count = Vec.Count<TV>();
        TV a0 = Vec.Zero<TV>(), a1 = a0, a2 = a0, a3 = a0;
        float* w = t.Weights;
        float* group = input;
        int remaining = t.InChannels;
        while (remaining > 0)
        {
            int lanes = Math.Min(t.InPack, remaining);
            for (int lane = 0; lane < lanes; lane++)
            {
                float* channel = group + lane;
                for (int ky = 0; ky < t.KernelHeight; ky++)
                {
                    float* p = channel + ky * t.RowStride;
                    for (int kx = 0; kx < t.KernelWidth; kx++, p += t.InPack, w += t.WeightRowStride)
                    {
                        TV b = Vec.Broadcast<TV>(p);
                        a0 = Vec.MulAdd(Vec.Load<TV>(w), b, a0);
                        if (TB.N > 1) a1 = Vec.MulAdd(Vec.Load<TV>(w + count), b, a1);
                        if (TB.N > 2) a2 = Vec.MulAdd(Vec.Load<TV>(w + 2 * count), b, a2);
                        if (TB.N > 3) a3 = Vec.MulAdd(Vec.Load<TV>(w + 3 * count), b, a3);
                    }
                }
            }
            group += t.GroupStride;
            remaining -= lanes;
        }

        Finish(t, o0, a0, Vec.Load<TV>(t.Bias));
        if (TB.N > 1) Finish(t, o1, a1, Vec.Load<TV>(t.Bias + count));
        if (TB.N > 2) Finish(t, o2, a2, Vec.Load<TV>(t.Bias + 2 * count));
        if (TB.N > 3) Finish(t, o3, a3, Vec.Load<TV>(t.Bias + 3 * count));
    }
}

namespace HourglassSimd.Kernels;

/// <summary>
/// Nearest-neighbour 2x upsampling fused with the hourglass's element-wise addition, in place on NCHW16c
/// activations without halo (groups a stride apart): <c>target[c, y, x] += low[c, y / 2, x / 2]</c> (each low-resolution pixel is added to a
/// 2x2 block). With a zeroed target it is a plain upsampling. One work item is one low-resolution row of one
/// 16-channel group.
/// </summary>
internal static unsafe class UpsampleNearest2xAdd
{
    public static int ItemCount(int groups, int lowHeight) => groups * lowHeight;

    public static void Run<TV>(float* low, nint lowGroupStride, float* target, nint targetGroupStride, int groups, int lowHeight, int lowWidth) where TV : struct
    {
        for (int i = 0; i < ItemCount(groups, lowHeight); i++)
            RunItem<TV>(low, lowGroupStride, target, targetGroupStride, lowHeight, lowWidth, i);
    }

    public static void RunItem<TV>(float* low, nint lowGroupStride, float* target, nint targetGroupStride, int lowHeight, int lowWidth, int item) where TV : struct
    {
        int count = Vec.Count<TV>();
        int group = item / lowHeight;
        int y = item - group * lowHeight;
        nint highWidth = 2 * lowWidth;
        float* src = low + group * lowGroupStride + (nint)y * lowWidth * 16;
        float* top = target + group * targetGroupStride + 2 * y * highWidth * 16;
        float* bottom = top + highWidth * 16;
        for (int x = 0; x < lowWidth; x++, src += 16, top += 32, bottom += 32)
        {
            for (int lane = 0; lane < 16; lane += count)
            {
                TV v = Vec.Load<TV>(src + lane);
                Vec.Store(top + lane, Vec.Add(Vec.Load<TV>(top + lane), v));
                Vec.Store(top + 16 + lane, Vec.Add(Vec.Load<TV>(top + 16 + lane), v));
                Vec.Store(bottom + lane, Vec.Add(Vec.Load<TV>(bottom + lane), v));
                Vec.Store(bottom + 16 + lane, Vec.Add(Vec.Load<TV>(bottom + 16 + lane), v));
            }
        }
    }
}

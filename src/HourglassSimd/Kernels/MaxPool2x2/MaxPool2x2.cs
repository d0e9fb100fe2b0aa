namespace HourglassSimd.Kernels;

/// <summary>
/// 2x2 stride-2 max pooling on NCHW16c activations without halo (groups a stride apart):
/// <c>out[c, y, x] = max(in[c, 2y, 2x], in[c, 2y, 2x+1], in[c, 2y+1, 2x], in[c, 2y+1, 2x+1])</c>.
/// One work item is one output row of one 16-channel group; each vector covers 8 or 16 lanes of the group.
/// </summary>
internal static unsafe class MaxPool2x2
{
    /// <param name="groups">16-channel groups (channels rounded up / 16).</param>
    /// <param name="outHeight">Output rows (input rows / 2).</param>
    public static int ItemCount(int groups, int outHeight) => groups * outHeight;

    public static void Run<TV>(float* input, nint inGroupStride, float* output, nint outGroupStride, int groups, int outHeight, int outWidth) where TV : struct
    {
        for (int i = 0; i < ItemCount(groups, outHeight); i++)
            RunItem<TV>(input, inGroupStride, output, outGroupStride, outHeight, outWidth, i);
    }

    public static void RunItem<TV>(float* input, nint inGroupStride, float* output, nint outGroupStride, int outHeight, int outWidth, int item) where TV : struct
    {
        int count = Vec.Count<TV>();
        int group = item / outHeight;
        int y = item - group * outHeight;
        nint inWidth = 2 * outWidth;
        float* top = input + group * inGroupStride + 2 * y * inWidth * 16;
        float* bottom = top + inWidth * 16;
        float* dst = output + group * outGroupStride + (nint)y * outWidth * 16;
        for (int x = 0; x < outWidth; x++, top += 32, bottom += 32, dst += 16)
        {
            for (int lane = 0; lane < 16; lane += count)
            {
                TV m = Vec.Max(Vec.Load<TV>(top + lane), Vec.Load<TV>(top + 16 + lane));
                TV n = Vec.Max(Vec.Load<TV>(bottom + lane), Vec.Load<TV>(bottom + 16 + lane));
                Vec.Store(dst + lane, Vec.Max(m, n));
            }
        }
    }
}

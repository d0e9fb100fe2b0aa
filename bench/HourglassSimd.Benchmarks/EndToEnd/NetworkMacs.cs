namespace HourglassSimd.Benchmarks.EndToEnd;

/// <summary>
/// Convolution multiply-accumulates of one image through the network of hourglass-spec §1 (direct-convolution
/// count; §1.6 gives 5.150 G, 8.335 G and 27.440 G for 1, 2 and 8 stacks at 256×256, 16 joints).
/// </summary>
public static class NetworkMacs
{
    public static long PerImage(HourglassArchitecture arch)
    {
        long f = arch.Features, j = arch.Joints;
        long half = (long)(arch.InputHeight / 2) * (arch.InputWidth / 2);
        long quarter = (long)arch.OutputHeight * arch.OutputWidth;
        // Stem: 7x7/2 conv 3→64, Res(64→128) at H/2, pool, Res(128→128) and Res(128→F) at H/4.
        long macs = 64L * 3 * 7 * 7 * half + Residual(64, 128, half) + Residual(128, 128, quarter) + Residual(128, f, quarter);
        for (int s = 0; s < arch.Stacks; s++)
        {
            macs += Hourglass(HourglassArchitecture.HourglassDepth, f, arch.OutputHeight, arch.OutputWidth);
            macs += Residual(f, f, quarter) + (f * f + f * j) * quarter; // features residual, linear layer, heatmaps
            if (s < arch.Stacks - 1)
                macs += (f * f + j * f) * quarter; // the two merge convolutions
        }
        return macs;
    }

    private static long Residual(long a, long b, long pixels)
    {
        long m = b / 2;
        return pixels * (a * m + 9 * m * m + m * b + (a != b ? a * b : 0));
    }

    private static long Hourglass(int depth, long f, int height, int width)
    {
        long pixels = (long)height * width, lower = (long)(height / 2) * (width / 2);
        long inner = depth > 1 ? Hourglass(depth - 1, f, height / 2, width / 2) : Residual(f, f, lower);
        return Residual(f, f, pixels) + Residual(f, f, lower) + inner + Residual(f, f, lower);
    }
}

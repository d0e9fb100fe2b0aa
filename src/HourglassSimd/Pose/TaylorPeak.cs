namespace HourglassSimd.Pose;

/// <summary>
/// The distribution-aware sub-pixel rule of DARK (Zhang et al., "Distribution-Aware Coordinate Representation for Human
/// Pose Estimation", CVPR 2020): smooth the heatmap with a Gaussian, take the logarithm (a Gaussian's logarithm is a
/// quadratic), and move to the maximum of its second-order Taylor expansion about the argmax. Only the 3 x 3
/// neighbourhood of the argmax is smoothed, so the rule allocates nothing and costs 9 small weighted sums per joint.
/// </summary>
/// <remarks>
/// Derivatives are central differences of spacing 1 (exact for a sampled Gaussian). The rule falls back to the quarter
/// offset where it has no answer: the argmax on the map's border, a maximum of 0 or less, or a log-surface that is not
/// curved downward there (Hessian not negative definite). The shift is clamped to one pixel per axis.
/// </remarks>
internal static class TaylorPeak
{
    /// <summary>Smoothing sigma in heatmap pixels: the training targets' usual sigma (1 at 64 x 64, hourglass-spec §2).</summary>
    public const float SmoothingSigma = 1f;

    private const int Radius = 3;
    private const float LogFloor = 1e-10f;

    /// <summary>
    /// The Taylor shift of the peak at (<paramref name="kx"/>, <paramref name="ky"/>), or false where the rule does not
    /// apply (the caller then uses the quarter offset).
    /// </summary>
    public static bool TryRefine(ReadOnlySpan<float> heatmap, int width, int height, int kx, int ky, out float dx, out float dy)
    {
        dx = dy = 0;
        if (kx < 1 || kx > width - 2 || ky < 1 || ky > height - 2 || !(heatmap[ky * width + kx] > 0))
            return false;

        // L[j, i]: log of the smoothed map at (kx + i - 1, ky + j - 1).
        Span<float> l = stackalloc float[9];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++)
                l[j * 3 + i] = MathF.Log(MathF.Max(Smoothed(heatmap, width, height, kx + i - 1, ky + j - 1), LogFloor));

        float gx = 0.5f * (l[5] - l[3]), gy = 0.5f * (l[7] - l[1]);
        float hxx = l[5] - 2 * l[4] + l[3], hyy = l[7] - 2 * l[4] + l[1];
        float hxy = 0.25f * (l[8] - l[6] - l[2] + l[0]);
        float det = hxx * hyy - hxy * hxy;
        if (!(hxx < 0 && det > 0))
            return false;
        // The maximum of g·d + d·H·d / 2: d = -H⁻¹ g.
        dx = Math.Clamp(-(hyy * gx - hxy * gy) / det, -1f, 1f);
        dy = Math.Clamp(-(hxx * gy - hxy * gx) / det, -1f, 1f);
        return float.IsFinite(dx) && float.IsFinite(dy);
    }

    /// <summary>The map at (x, y) smoothed by a Gaussian of <see cref="SmoothingSigma"/> (radius 3), edges replicated.</summary>
    private static float Smoothed(ReadOnlySpan<float> heatmap, int width, int height, int x, int y)
    {
        float sum = 0;
        for (int v = -Radius; v <= Radius; v++)
        {
            int row = Math.Clamp(y + v, 0, height - 1) * width;
            for (int u = -Radius; u <= Radius; u++)
                sum += Kernel[(v + Radius) * Side + u + Radius] * heatmap[row + Math.Clamp(x + u, 0, width - 1)];
        }
        return sum;
    }

    private const int Side = 2 * Radius + 1;

    /// <summary>The 7 x 7 Gaussian weights, row-major, summing to 1.</summary>
    private static readonly float[] Kernel = GaussianKernel();

    private static float[] GaussianKernel()
    {
        var kernel = new float[Side * Side];
        for (int v = -Radius; v <= Radius; v++)
            for (int u = -Radius; u <= Radius; u++)
                kernel[(v + Radius) * Side + u + Radius] = MathF.Exp(-(u * u + v * v) / (2 * SmoothingSigma * SmoothingSigma));
        float total = kernel.Sum();
        for (int i = 0; i < kernel.Length; i++)
            kernel[i] /= total;
        return kernel;
    }
}

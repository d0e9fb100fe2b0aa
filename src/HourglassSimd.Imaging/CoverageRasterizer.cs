using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging;

/// <summary>
/// A small rasteriser for overlays and plots (ImageSharp.Drawing is not available): filled capsules (thick line segments
/// with round caps) and discs, written straight into RGB24 bytes, and polylines through a coverage mask.
/// </summary>
/// <remarks>
/// For each pixel near the shape, the distance d from the pixel centre to the segment decides the coverage: with
/// anti-aliasing <c>clamp(r + 0.5 − d, 0, 1)</c> (a one-pixel linear ramp across the edge, the usual analytic
/// approximation of area coverage), without it 1 when <c>d ≤ r</c>. The pixel becomes
/// <c>old + (colour − old) · coverage</c>.
/// A polyline drawn as one capsule per segment would blend the pixels where two segments meet twice (dark beads along
/// a thin line); <see cref="CoverCapsule"/> instead keeps the largest coverage per pixel in a mask, and
/// <see cref="FillMask"/> blends the colour once through it.
/// </remarks>
internal static class CoverageRasterizer
{
    public static void FillDisc(RgbImage image, float cx, float cy, float radius, Rgb24 color, bool antiAliasing) =>
        FillCapsule(image, cx, cy, cx, cy, radius, color, antiAliasing);

    public static void FillCapsule(RgbImage image, float x0, float y0, float x1, float y1, float radius, Rgb24 color, bool antiAliasing)
    {
        if (!(radius > 0) || !float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1))
            return;
        float reach = radius + 1;
        int left = ClampToImage(MathF.Floor(MathF.Min(x0, x1) - reach), image.Width);
        int right = ClampToImage(MathF.Ceiling(MathF.Max(x0, x1) + reach), image.Width);
        int top = ClampToImage(MathF.Floor(MathF.Min(y0, y1) - reach), image.Height);
        int bottom = ClampToImage(MathF.Ceiling(MathF.Max(y0, y1) + reach), image.Height);

        double dx = x1 - x0, dy = y1 - y0, lengthSquared = dx * dx + dy * dy;
        var pixels = image.Pixels;
        for (int y = top; y < bottom; y++)
        {
            double py = y + 0.5;
            int row = y * image.Stride;
            for (int x = left; x < right; x++)
            {
                double d = DistanceToSegment(x + 0.5, py, x0, y0, dx, dy, lengthSquared);
                double coverage = antiAliasing ? Math.Clamp(radius + 0.5 - d, 0, 1) : (d <= radius ? 1 : 0);
                if (coverage <= 0)
                    continue;
                int at = row + 3 * x;
                pixels[at] = Blend(pixels[at], color.R, coverage);
                pixels[at + 1] = Blend(pixels[at + 1], color.G, coverage);
                pixels[at + 2] = Blend(pixels[at + 2], color.B, coverage);
            }
        }
    }

    /// <summary>Raises <paramref name="mask"/> (one value per pixel, row-major, <paramref name="width"/> wide) to the
    /// capsule's anti-aliased coverage where that is larger.</summary>
    public static void CoverCapsule(float[] mask, int width, int height, float x0, float y0, float x1, float y1, float radius)
    {
        if (!(radius > 0) || !float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1))
            return;
        float reach = radius + 1;
        int left = ClampToImage(MathF.Floor(MathF.Min(x0, x1) - reach), width);
        int right = ClampToImage(MathF.Ceiling(MathF.Max(x0, x1) + reach), width);
        int top = ClampToImage(MathF.Floor(MathF.Min(y0, y1) - reach), height);
        int bottom = ClampToImage(MathF.Ceiling(MathF.Max(y0, y1) + reach), height);

        double dx = x1 - x0, dy = y1 - y0, lengthSquared = dx * dx + dy * dy;
        for (int y = top; y < bottom; y++)
        {
            double py = y + 0.5;
            for (int x = left; x < right; x++)
            {
                float coverage = (float)Math.Clamp(radius + 0.5 - DistanceToSegment(x + 0.5, py, x0, y0, dx, dy, lengthSquared), 0, 1);
                int at = y * width + x;
                if (coverage > mask[at])
                    mask[at] = coverage;
            }
        }
    }

    /// <summary>Blends <paramref name="color"/> into <paramref name="image"/> by the coverage in <paramref name="mask"/>
    /// (as wide and high as the image), then clears the mask for the next shape.</summary>
    public static void FillMask(RgbImage image, float[] mask, Rgb24 color)
    {
        var pixels = image.Pixels;
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * image.Stride;
            for (int x = 0; x < image.Width; x++)
            {
                int m = y * image.Width + x;
                float coverage = mask[m];
                if (coverage <= 0)
                    continue;
                int at = row + 3 * x;
                pixels[at] = Blend(pixels[at], color.R, coverage);
                pixels[at + 1] = Blend(pixels[at + 1], color.G, coverage);
                pixels[at + 2] = Blend(pixels[at + 2], color.B, coverage);
                mask[m] = 0;
            }
        }
    }

    private static int ClampToImage(float value, int size) => (int)Math.Clamp(value, 0, size);

    /// <summary>Distance from (<paramref name="px"/>, <paramref name="py"/>) to the closest point of the segment from
    /// (<paramref name="x0"/>, <paramref name="y0"/>) along (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    private static double DistanceToSegment(double px, double py, double x0, double y0, double dx, double dy, double lengthSquared)
    {
        double t = lengthSquared > 0 ? Math.Clamp(((px - x0) * dx + (py - y0) * dy) / lengthSquared, 0, 1) : 0;
        double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
        return Math.Sqrt(ex * ex + ey * ey);
    }

    private static byte Blend(byte old, byte color, double coverage) =>
        (byte)Math.Round(old + (color - old) * coverage);
}

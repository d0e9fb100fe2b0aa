using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Fills a canvas with a random background (a gradient, smooth colour noise, a stripe or check texture, or a flat colour)
/// and scatters clutter over it: discs, rectangles and limb-like tapered bars in random colours and patterns.
/// </summary>
internal static class BackgroundPainter
{
    public static void Paint(SceneCanvas canvas, Random random)
    {
        switch (random.Next(4))
        {
            case 0: Gradient(canvas, random); break;
            case 1: SmoothNoise(canvas, random); break;
            case 2: Texture(canvas, random); break;
            default: Flat(canvas, RgbColor.Random(random, 0.05f)); break;
        }
        int clutter = random.Next(2, 13);
        float side = MathF.Min(canvas.Width, canvas.Height);
        for (int i = 0; i < clutter; i++)
            Clutter(canvas, random, side);
    }

    /// <summary>One random object: used for clutter behind people and for occluders in front of them.</summary>
    public static void Clutter(SceneCanvas canvas, Random random, float size, Vector2? near = null)
    {
        var center = near ?? new Vector2(random.NextSingle() * canvas.Width, random.NextSingle() * canvas.Height);
        float angle = random.NextSingle() * MathF.Tau;
        var axis = new Vector2(MathF.Cos(angle), MathF.Sin(angle));
        var pattern = random.NextSingle() < 0.3f ? (SurfacePattern)random.Next(1, 5) : SurfacePattern.Solid;
        var paint = new SurfacePaint(RgbColor.Random(random, 0.05f), RgbColor.Random(random), pattern, 3 + 8 * random.NextSingle(), 1, 0);
        float a = size * (0.04f + 0.2f * random.NextSingle()), b = size * (0.03f + 0.15f * random.NextSingle());
        switch (random.Next(3))
        {
            case 0:
                canvas.FillEllipse(center, axis, a, b, paint, SceneCanvas.NoOwner);
                break;
            case 1:
                canvas.FillRectangle(center, axis, a, b, paint, SceneCanvas.NoOwner);
                break;
            default:
                // A bar shaped like a limb, so that limbs alone do not mean "person".
                canvas.FillTaperedCapsule(center - a * axis, center + a * axis, b * 0.35f, b * 0.25f, paint, SceneCanvas.NoOwner);
                break;
        }
    }

    private static void Flat(SceneCanvas canvas, RgbColor color)
    {
        var pixels = canvas.Pixels;
        for (int i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = color.R;
            pixels[i + 1] = color.G;
            pixels[i + 2] = color.B;
        }
    }

    private static void Gradient(SceneCanvas canvas, Random random)
    {
        RgbColor from = RgbColor.Random(random, 0.05f), to = RgbColor.Random(random, 0.05f);
        float angle = random.NextSingle() * MathF.Tau, dx = MathF.Cos(angle), dy = MathF.Sin(angle);
        float span = MathF.Abs(dx) * canvas.Width + MathF.Abs(dy) * canvas.Height;
        float start = MathF.Min(0, dx * canvas.Width) + MathF.Min(0, dy * canvas.Height);
        var pixels = canvas.Pixels;
        for (int y = 0; y < canvas.Height; y++)
        for (int x = 0; x < canvas.Width; x++)
        {
            var c = from.Mix(to, (x * dx + y * dy - start) / span);
            int at = 3 * (y * canvas.Width + x);
            pixels[at] = c.R;
            pixels[at + 1] = c.G;
            pixels[at + 2] = c.B;
        }
    }

    // Random colours on a coarse grid, interpolated bilinearly.
    private static void SmoothNoise(SceneCanvas canvas, Random random)
    {
        int cell = random.Next(12, 65);
        int gridW = canvas.Width / cell + 2, gridH = canvas.Height / cell + 2;
        var grid = new RgbColor[gridW * gridH];
        RgbColor baseColor = RgbColor.Random(random, 0.1f);
        for (int i = 0; i < grid.Length; i++)
            grid[i] = baseColor.Mix(RgbColor.Random(random, 0.05f), 0.25f + 0.6f * random.NextSingle());
        var pixels = canvas.Pixels;
        for (int y = 0; y < canvas.Height; y++)
        {
            float gy = (float)y / cell;
            int y0 = (int)gy;
            float ty = gy - y0;
            for (int x = 0; x < canvas.Width; x++)
            {
                float gx = (float)x / cell;
                int x0 = (int)gx;
                float tx = gx - x0;
                var top = grid[y0 * gridW + x0].Mix(grid[y0 * gridW + x0 + 1], tx);
                var bottom = grid[(y0 + 1) * gridW + x0].Mix(grid[(y0 + 1) * gridW + x0 + 1], tx);
                var c = top.Mix(bottom, ty);
                int at = 3 * (y * canvas.Width + x);
                pixels[at] = c.R;
                pixels[at + 1] = c.G;
                pixels[at + 2] = c.B;
            }
        }
    }

    private static void Texture(SceneCanvas canvas, Random random)
    {
        var pattern = (SurfacePattern)random.Next(1, 5);
        float period = 6 + 40 * random.NextSingle();
        RgbColor a = RgbColor.Random(random, 0.05f), b = a.Mix(RgbColor.Random(random, 0.05f), 0.3f + 0.5f * random.NextSingle());
        float angle = random.NextSingle() * MathF.Tau, cos = MathF.Cos(angle), sin = MathF.Sin(angle);
        var pixels = canvas.Pixels;
        for (int y = 0; y < canvas.Height; y++)
        for (int x = 0; x < canvas.Width; x++)
        {
            var c = pattern.Covers(x * cos + y * sin, -x * sin + y * cos, period) ? b : a;
            int at = 3 * (y * canvas.Width + x);
            pixels[at] = c.R;
            pixels[at + 1] = c.G;
            pixels[at + 2] = c.B;
        }
    }
}

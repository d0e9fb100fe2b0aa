namespace HourglassSimd.Datasets.Synthetic;

/// <summary>What a camera adds to a painted scene: uneven lighting and colour cast, blur, and sensor noise.</summary>
internal static class CameraEffects
{
    public static void Apply(SceneCanvas canvas, Random random)
    {
        Lighting(canvas, random);
        if (random.NextSingle() < 0.35f)
        {
            int passes = random.Next(1, 3);
            for (int i = 0; i < passes; i++)
                Blur(canvas);
        }
        float sigma = random.NextSingle() < 0.2f ? 0 : 8 * random.NextSingle();
        if (sigma > 0)
            Noise(canvas, random, sigma);
    }

    // A colour gain and offset per channel, and a brightness ramp across the image.
    private static void Lighting(SceneCanvas canvas, Random random)
    {
        float gain = 0.55f + 0.8f * random.NextSingle(), offset = 25 * (random.NextSingle() - 0.5f);
        float red = gain * (0.9f + 0.2f * random.NextSingle()), green = gain * (0.9f + 0.2f * random.NextSingle()), blue = gain * (0.9f + 0.2f * random.NextSingle());
        float angle = random.NextSingle() * MathF.Tau, ramp = 0.4f * random.NextSingle();
        float dx = ramp * MathF.Cos(angle) / canvas.Width, dy = ramp * MathF.Sin(angle) / canvas.Height;
        var pixels = canvas.Pixels;
        for (int y = 0; y < canvas.Height; y++)
        {
            float light = 1 - dx * canvas.Width / 2f + dy * (y - canvas.Height / 2f);
            var row = pixels.Slice(3 * y * canvas.Width, 3 * canvas.Width);
            for (int i = 0; i < row.Length; i += 3, light += dx)
            {
                row[i] = row[i] * red * light + offset;
                row[i + 1] = row[i + 1] * green * light + offset;
                row[i + 2] = row[i + 2] * blue * light + offset;
            }
        }
    }

    // Separable [1 2 1] / 4 in x then y, edges clamped.
    private static void Blur(SceneCanvas canvas)
    {
        int w = canvas.Width, h = canvas.Height;
        var pixels = canvas.Pixels;
        var copy = canvas.Scratch();
        pixels.CopyTo(copy);
        int row = 3 * w;
        for (int y = 0; y < h; y++)
        for (int i = 0; i < row; i++)
        {
            int at = y * row + i;
            float left = i >= 3 ? copy[at - 3] : copy[at], right = i + 3 < row ? copy[at + 3] : copy[at];
            pixels[at] = (left + 2 * copy[at] + right) * 0.25f;
        }
        pixels.CopyTo(copy);
        for (int y = 0; y < h; y++)
        {
            int up = Math.Max(y - 1, 0) * row, here = y * row, down = Math.Min(y + 1, h - 1) * row;
            for (int i = 0; i < row; i++)
                pixels[here + i] = (copy[up + i] + 2 * copy[here + i] + copy[down + i]) * 0.25f;
        }
    }

    // Roughly Gaussian noise: the sum of two uniforms, scaled to standard deviation sigma.
    private static void Noise(SceneCanvas canvas, Random random, float sigma)
    {
        float scale = sigma * MathF.Sqrt(6) / 65536;
        var pixels = canvas.Pixels;
        // xorshift32 seeded from the image's generator: two 16-bit uniforms per step, far cheaper than Random per value.
        uint state = (uint)random.Next(1, int.MaxValue);
        for (int i = 0; i < pixels.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            pixels[i] += scale * ((int)(state & 0xFFFF) + (int)(state >> 16) - 65535);
        }
    }
}

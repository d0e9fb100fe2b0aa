namespace HourglassSimd.Datasets.Synthetic;

/// <summary>A linear RGB colour with channels in [0, 255] (not clamped until it is stored).</summary>
internal readonly record struct RgbColor(float R, float G, float B)
{
    public RgbColor Scale(float factor) => new(R * factor, G * factor, B * factor);

    public RgbColor Mix(RgbColor other, float t) => new(R + (other.R - R) * t, G + (other.G - G) * t, B + (other.B - B) * t);

    /// <summary>A colour from hue (degrees), saturation and value in [0, 1].</summary>
    public static RgbColor FromHsv(float hue, float saturation, float value)
    {
        hue = (hue % 360 + 360) % 360 / 60;
        float c = value * saturation, x = c * (1 - MathF.Abs(hue % 2 - 1)), m = value - c;
        (float r, float g, float b) = (int)hue switch
        {
            0 => (c, x, 0f),
            1 => (x, c, 0f),
            2 => (0f, c, x),
            3 => (0f, x, c),
            4 => (x, 0f, c),
            _ => (c, 0f, x),
        };
        return new RgbColor((r + m) * 255, (g + m) * 255, (b + m) * 255);
    }

    /// <summary>A random colour: any hue, moderate to full saturation and value.</summary>
    public static RgbColor Random(Random random, float minValue = 0.15f) =>
        FromHsv(random.NextSingle() * 360, 0.2f + 0.8f * random.NextSingle(), minValue + (1 - minValue) * random.NextSingle());
}

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>Clothing-like patterns of a surface, in the shape's own coordinates (along and across its axis).</summary>
internal enum SurfacePattern
{
    Solid,
    StripesAcross,
    StripesAlong,
    Checks,
    Dots,
}

internal static class SurfacePatternExtensions
{
    /// <summary>Whether the pattern's second colour covers the point (<paramref name="along"/>, <paramref name="across"/>) in pixels.</summary>
    public static bool Covers(this SurfacePattern pattern, float along, float across, float period)
    {
        float half = period / 2;
        return pattern switch
        {
            SurfacePattern.StripesAcross => Modulo(along, period) < half,
            SurfacePattern.StripesAlong => Modulo(across, period) < half,
            SurfacePattern.Checks => (Modulo(along, period) < half) ^ (Modulo(across, period) < half),
            SurfacePattern.Dots => Square(Modulo(along, period) - half) + Square(Modulo(across, period) - half) < Square(period * 0.25f),
            _ => false,
        };
    }

    private static float Modulo(float value, float period)
    {
        // Floor instead of %, which compiles to a slow fmod call.
        return value - period * MathF.Floor(value / period);
    }

    private static float Square(float value) => value * value;
}

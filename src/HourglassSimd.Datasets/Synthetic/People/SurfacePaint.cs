namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// How a surface of the synthetic scene is coloured: a base colour, an optional clothing-like pattern in a second
/// colour, cylinder shading across the shape (lit from one side) and a brightness factor (far body parts are darker).
/// </summary>
internal readonly record struct SurfacePaint(
    RgbColor Base,
    RgbColor PatternColor,
    SurfacePattern Pattern,
    float Period,
    float Brightness,
    float LightAcross)
{
    /// <summary>A flat, unshaded colour.</summary>
    public static SurfacePaint Flat(RgbColor color) => new(color, color, SurfacePattern.Solid, 8, 1, 0);

    /// <summary>The colour at a point of the surface.</summary>
    /// <param name="along">Distance along the shape's axis, in pixels.</param>
    /// <param name="across">Signed distance from the axis, in pixels.</param>
    /// <param name="acrossUnit">The same as a fraction of the half width, in [−1, 1].</param>
    public RgbColor At(float along, float across, float acrossUnit)
    {
        RgbColor color = Base;
        if (Pattern != SurfacePattern.Solid && Pattern.Covers(along, across, Period))
            color = PatternColor;
        // A cylinder lit from the front and a little from one side: n·l with n = (acrossUnit, 0, sqrt(1 − acrossUnit²)).
        float normalZ = MathF.Sqrt(MathF.Max(0, 1 - acrossUnit * acrossUnit));
        float light = 0.45f + 0.45f * normalZ + 0.25f * LightAcross * acrossUnit;
        return color.Scale(light * Brightness);
    }
}

using System.Globalization;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// A person rectangle as users and detectors give it: left, top, width and height in image pixels (the COCO
/// <c>bbox</c> order). The estimator's crop box is built from it with <see cref="PersonBox.FromRectangle"/> (centre,
/// longer side × 1.25 padding).
/// </summary>
public readonly record struct BoxRectangle(float X, float Y, float Width, float Height)
{
    /// <summary>The whole image as a rectangle: the <c>bbox</c> written when no box is given (the crop box is then <see cref="PersonBox.WholeImage"/>).</summary>
    public static BoxRectangle WholeImage(int width, int height) => new(0, 0, width, height);

    /// <summary>Parses <c>x,y,w,h</c> (invariant culture, '.' as decimal point).</summary>
    /// <exception cref="ArgumentException">Not four finite numbers, or width or height not positive (one-line message).</exception>
    public static BoxRectangle Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        bool numbers = parts.Length == 4;
        for (int i = 0; numbers && i < parts.Length; i++)
            numbers = float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && float.IsFinite(values[i]);
        if (!numbers)
            throw new ArgumentException($"--box '{text}' is not x,y,w,h: give four numbers separated by commas (left, top, width, height in pixels), e.g. --box 40,10,120,300.");
        return Create(values[0], values[1], values[2], values[3], $"--box '{text}'");
    }

    /// <summary>Validates and creates a rectangle; <paramref name="where"/> names its origin in the error message.</summary>
    /// <exception cref="ArgumentException">A value is not finite, or width or height is not positive.</exception>
    public static BoxRectangle Create(float x, float y, float width, float height, string where)
    {
        if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(width) || !float.IsFinite(height))
            throw new ArgumentException($"{where}: the box values must be finite numbers.");
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"{where}: width and height must be greater than 0 (the order is x,y,w,h).");
        return new BoxRectangle(x, y, width, height);
    }

    /// <summary>The estimator's square crop box for this rectangle (padding 1.25, so a tight box leaves the person at ~80% of the crop).</summary>
    public PersonBox ToPersonBox() => PersonBox.FromRectangle(X, Y, Width, Height);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"x={X:0.##} y={Y:0.##} w={Width:0.##} h={Height:0.##}");
}

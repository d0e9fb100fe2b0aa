using System.Globalization;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// A network input size as the commands take it: <c>256</c> (square) or <c>HEIGHTxWIDTH</c> such as <c>384x288</c>,
/// both sides multiples of 64.
/// </summary>
internal readonly record struct InputSize(int Height, int Width)
{
    public const string Syntax = "N (square) or HEIGHTxWIDTH, e.g. 256 or 384x288; multiples of 64 up to 2048";

    /// <summary>Parses <paramref name="text"/>, or throws an <see cref="ArgumentException"/> that names <paramref name="option"/> and the value.</summary>
    public static InputSize Parse(string text, string option)
    {
        string[] parts = text.Trim().Split('x', 'X');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int height = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int width = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : height;
            if (HourglassArchitecture.IsValidInputSide(height) && HourglassArchitecture.IsValidInputSide(width))
                return new InputSize(height, width);
            throw new ArgumentException($"{option} {text}: input size {height}x{width} is not supported; both sides must be positive multiples of 64, at most {HourglassArchitecture.MaxInputSide}.");
        }
        throw new ArgumentException($"{option} '{text}' is not an input size; use {Syntax}.");
    }

    /// <summary>The value of an optional size option, or null when it was not given.</summary>
    public static InputSize? ParseOptional(string? text, string option) => text is null ? null : Parse(text, option);

    public override string ToString() => $"{Height}x{Width}";
}

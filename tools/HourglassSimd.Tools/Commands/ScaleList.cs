using System.Globalization;
using HourglassSimd.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// The zooms of the multi-scale test as <c>infer</c> and <c>eval</c> take them (<c>--scales 0.8,1,1.2</c>): see
/// <see cref="PoseEstimatorOptions.Scales"/>.
/// </summary>
internal static class ScaleList
{
    public static readonly string Syntax = FormattableString.Invariant(
        $"comma-separated zooms such as 0.8,1,1.2 (1 = the person box, above 1 zooms in); {MultiScaleTest.MinScale} to {MultiScaleTest.MaxScale}, at most {MultiScaleTest.MaxScales}");

    /// <summary>The single scale 1: one crop per person (twice with the flip test).</summary>
    public static IReadOnlyList<float> Default { get; } = [1f];

    /// <summary>Parses <paramref name="text"/>, or throws an <see cref="ArgumentException"/> that names <paramref name="option"/> and the value.</summary>
    public static IReadOnlyList<float> Parse(string text, string option)
    {
        var scales = new List<float>();
        foreach (string part in text.Split(','))
        {
            if (!float.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float scale))
                throw new ArgumentException($"{option} '{text}' is not a list of scales; use {Syntax}.");
            scales.Add(scale);
        }
        try
        {
            MultiScaleTest.Validate(scales);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{option} {text}: {e.Message}");
        }
        return scales;
    }

    /// <summary>The value of an optional scales option, or <see cref="Default"/> when it was not given.</summary>
    public static IReadOnlyList<float> ParseOptional(string? text, string option) => text is null ? Default : Parse(text, option);

    /// <summary>The scales as the option takes them, e.g. <c>0.8,1,1.2</c>.</summary>
    public static string Format(IReadOnlyList<float> scales) => string.Join(",", scales.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Whether <paramref name="scales"/> is the plain single crop (the default).</summary>
    public static bool IsDefault(IReadOnlyList<float> scales) => scales is [1f];
}

namespace HourglassSimd.Tools.Pose;

/// <summary>Small text helpers for command output.</summary>
internal static class Wording
{
    /// <summary>"1 image", "3 images".</summary>
    public static string Plural(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    /// <summary>The first <paramref name="shown"/> names, comma-separated, then "..." when there are more.</summary>
    public static string List(IReadOnlyCollection<string> names, int shown = 10) =>
        string.Join(", ", names.Take(shown)) + (names.Count > shown ? ", ..." : "");
}

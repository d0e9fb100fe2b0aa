namespace HourglassSimd;

/// <summary>
/// Parses the name of an enum value, case-insensitive, and nothing else. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
/// also takes numbers ("3") and comma lists ("Fastest,DirectOnly", whose values it ORs into one), which would turn a
/// typo in an option or environment variable into another setting without a word. Every option and variable that
/// names an enum value goes through here.
/// </summary>
internal static class EnumNames
{
    /// <summary>The value named by <paramref name="text"/> (surrounding spaces ignored), if it is exactly one defined name.</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        string name = text?.Trim() ?? "";
        return name.Length > 0 && char.IsAsciiLetter(name[0]) && !name.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>The names, comma-separated, for error messages.</summary>
    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());
}

using System.CommandLine;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// An option whose value is one name of an enum, case-insensitive (<c>--refinement taylor</c>). A value that is not one
/// of the names (a number, or names joined by commas, which <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
/// would OR together) fails with one line that lists them.
/// </summary>
internal static class EnumOption
{
    public static Option<T> Create<T>(string name, T defaultValue, string description)
        where T : struct, Enum => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (text.Length > 0 && char.IsAsciiLetter(text[0]) && !text.Contains(',', StringComparison.Ordinal) && Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value))
                return value;
            result.AddError($"{name} '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
            return defaultValue;
        },
    };
}

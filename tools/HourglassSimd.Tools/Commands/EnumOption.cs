using System.CommandLine;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// An option whose value is one name of an enum, case-insensitive (<c>--refinement taylor</c>). A value that is not one
/// of the names (a number, or names joined by commas: <see cref="EnumNames"/>) fails with one line that lists them.
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
            if (EnumNames.TryParse(text, out T value))
                return value;
            result.AddError($"{name} '{text}' is not one of {EnumNames.List<T>()}.");
            return defaultValue;
        },
    };
}

using System.Text.Json;
using HourglassSimd.IO;
using HourglassSimd.Pose;

namespace HourglassSimd;

/// <summary>
/// The JSON form of a <see cref="JointLayout"/>, shared by the <c>.hgw</c> header (its <c>jointLayout</c> object) and
/// the layout files of <c>convert-weights --joints-layout</c>:
/// <c>{"name": "mpii16", "joints": ["right_ankle", ...], "flipPairs": [[0, 5], ...], "skeleton": [[0, 1], ...]}</c>,
/// plus <c>"assumed": true|false</c> in the model file. Body sides come from the joint names.
/// </summary>
internal static class JointLayoutJson
{
    /// <summary>Writes <paramref name="layout"/> as the value of property <paramref name="property"/>, with <c>assumed</c> when given.</summary>
    public static void Write(Utf8JsonWriter json, string property, JointLayout layout, bool? assumed)
    {
        json.WriteStartObject(property);
        json.WriteString("name", layout.Name);
        if (assumed is { } value)
            json.WriteBoolean("assumed", value);
        json.WriteStartArray("joints");
        foreach (string name in layout.Names)
            json.WriteStringValue(name);
        json.WriteEndArray();
        WritePairs(json, "flipPairs", layout.FlipPairs);
        WritePairs(json, "skeleton", layout.Skeleton);
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads a layout object. <paramref name="where"/> names it in messages (e.g. <c>'jointLayout'</c>);
    /// <paramref name="withAssumed"/>: whether the object must hold <c>assumed</c> (the model file) or must not (a layout file).
    /// <paramref name="modelJoints"/>: the model's joint count, checked before the pairs, or null; <paramref name="defaultName"/>:
    /// the name when the object has none (null: the name is required).
    /// </summary>
    /// <exception cref="FormatException">A property is missing, of the wrong JSON type or unknown, a name is empty or repeated, or an index is out of range (the message names the problem).</exception>
    public static (JointLayout Layout, bool Assumed) Read(
        JsonElement element, string where, bool withAssumed, int? modelJoints = null, string? defaultName = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{where} must be a JSON object, not {Kind(element)}.");
        string[] known = withAssumed ? ["name", "assumed", "joints", "flipPairs", "skeleton"] : ["name", "joints", "flipPairs", "skeleton"];
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
                throw new FormatException($"{where} has an unknown property '{property.Name}' (known: {string.Join(", ", known)}).");
        }

        string name;
        if (element.TryGetProperty("name", out var nameElement))
        {
            if (nameElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameElement.GetString()))
                throw new FormatException($"{where}.name must be a non-empty string, not {Kind(nameElement)}.");
            name = nameElement.GetString()!;
        }
        else
        {
            name = defaultName ?? throw new FormatException($"{where} lacks 'name'.");
        }

        bool assumed = false;
        if (withAssumed)
        {
            if (!element.TryGetProperty("assumed", out var assumedElement))
                throw new FormatException($"{where} lacks 'assumed'.");
            if (assumedElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new FormatException($"{where}.assumed must be true or false, not {Kind(assumedElement)}.");
            assumed = assumedElement.GetBoolean();
        }

        if (!element.TryGetProperty("joints", out var jointsElement))
            throw new FormatException($"{where} lacks 'joints'.");
        if (jointsElement.ValueKind != JsonValueKind.Array || jointsElement.GetArrayLength() == 0)
            throw new FormatException($"{where}.joints must be a non-empty array of joint names, not {Kind(jointsElement)}.");
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var joint in jointsElement.EnumerateArray())
        {
            if (joint.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(joint.GetString()))
                throw new FormatException($"{where}.joints[{names.Count}] must be a non-empty string, not {Kind(joint)}.");
            string jointName = joint.GetString()!;
            if (!seen.Add(jointName))
                throw new FormatException($"{where}.joints names '{jointName}' twice (joints {names.IndexOf(jointName)} and {names.Count}).");
            names.Add(jointName);
        }
        if (modelJoints is { } expected && names.Count != expected)
            throw new FormatException($"{where} names {names.Count} joints but the model has {expected}.");

        var flipPairs = ReadPairs(element, "flipPairs", where, names.Count);
        var skeleton = ReadPairs(element, "skeleton", where, names.Count);
        try
        {
            return (new JointLayout(name, names, flipPairs, skeleton), assumed);
        }
        catch (ArgumentException e)
        {
            // What the checks above leave to the layout itself: a joint in two flip pairs, a pair joining a joint to itself.
            throw new FormatException($"{where}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>Largest layout file read (1 MiB; a layout of 1024 joints takes a few tens of kilobytes).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads a layout file (a layout object without <c>assumed</c>); its name defaults to the file name without extension.</summary>
    /// <exception cref="FormatException">The file is not valid JSON or not a valid layout.</exception>
    /// <exception cref="IOException">The path is not a regular file, or the file has more than <see cref="MaxFileBytes"/> bytes.</exception>
    public static JointLayout ReadFile(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(BoundedFile.ReadAllBytes(path, MaxFileBytes));
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message.Split('\n')[0]})");
        }
        using (document)
            return Read(document.RootElement, "the layout", withAssumed: false, defaultName: Path.GetFileNameWithoutExtension(path)).Layout;
    }

    private static List<JointPair> ReadPairs(JsonElement element, string property, string where, int joints)
    {
        var pairs = new List<JointPair>();
        if (!element.TryGetProperty(property, out var list))
            return pairs;
        if (list.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{where}.{property} must be an array of [a, b] joint-index pairs, not {Kind(list)}.");
        foreach (var pair in list.EnumerateArray())
        {
            string at = $"{where}.{property}[{pairs.Count}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                throw new FormatException($"{at} must be a pair of joint indices [a, b], not {Kind(pair)}.");
            int a = Index(pair[0], at, joints), b = Index(pair[1], at, joints);
            if (a == b)
                throw new FormatException($"{at} joins joint {a} to itself.");
            pairs.Add(new JointPair(a, b));
        }
        return pairs;
    }

    private static int Index(JsonElement value, string at, int joints)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int index))
            throw new FormatException($"{at} must hold integer joint indices, not {Kind(value)}.");
        if ((uint)index >= (uint)joints)
            throw new FormatException($"{at} names joint {index}, outside 0..{joints - 1} ({joints} joints).");
        return index;
    }

    private static void WritePairs(Utf8JsonWriter json, string property, IReadOnlyList<JointPair> pairs)
    {
        json.WriteStartArray(property);
        foreach (var pair in pairs)
        {
            json.WriteStartArray();
            json.WriteNumberValue(pair.First);
            json.WriteNumberValue(pair.Second);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => element.GetArrayLength() == 0 ? "an empty array" : $"an array of {element.GetArrayLength()}",
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}

using System.Text;
using System.Text.Json.Nodes;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// JSON type and size attacks on a seed document: a value replaced by one of another type (a string where a number is,
/// an array where an object is, null), a huge or out-of-range number, a huge string, deep nesting, a property removed
/// or renamed, an array grown; and sometimes byte mutations of the text on top.
/// </summary>
public static class JsonMutator
{
    /// <summary>JSON texts that replace a value.</summary>
    public static readonly string[] Attacks =
    [
        "0", "-1", "1", "0.5", "-0.0", "2147483647", "-2147483648", "2147483648", "4294967295", "4294967296", "4294967360", "4294967297",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616", "1e18", "1e38", "3.4e38", "1e39",
        "1.7976931348623157e308", "1e308", "1e309", "-1e400", "1e-400", "123456789012345678901234567890",
        "\"\"", "\"12\"", "\"a\"", "\"NaN\"", "\"Infinity\"", "\"../../etc/passwd\"", "\"/abs\"", "\"\\u0000\"",
        "null", "true", "false", "[]", "{}", "[1, 2]", "[null]", "[\"a\", \"b\"]", "[[1, 2, 3]]", "{\"a\": 1}", "[1e309, -1e309]",
    ];

    /// <summary>A mutant of <paramref name="seedText"/>.</summary>
    public static byte[] Mutate(string seedText, Random random)
    {
        byte[] text = Encoding.UTF8.GetBytes(MutateTree(seedText, random));
        // A quarter of the mutants also get byte-level damage (truncated, flipped).
        return random.Next(4) == 0 ? BinaryMutator.Mutate(text, random) : text;
    }

    /// <summary>One to three tree mutations of <paramref name="seedText"/>: still valid JSON (maybe nested past a cap).</summary>
    public static string MutateTree(string seedText, Random random)
    {
        var root = JsonNode.Parse(seedText)!;
        int operations = 1 + random.Next(3);
        for (int i = 0; i < operations; i++)
            root = MutateOnce(root, random);
        try
        {
            return root.ToJsonString();
        }
        catch (InvalidOperationException)
        {
            return MutateTree(seedText, random); // nested past the writer's 1,000 levels: another draw
        }
    }

    private static JsonNode MutateOnce(JsonNode root, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var node = nodes[random.Next(nodes.Count)];
        switch (random.Next(8))
        {
            case 0:
            case 1:
            case 2:
                return Replace(root, node, JsonNode.Parse(Attacks[random.Next(Attacks.Length)]));
            case 3: // huge string
                return Replace(root, node, JsonValue.Create(new string('x', random.Next(2) == 0 ? 1000 : 200_000)));
            case 4: // deep nesting: within, at and past the readers' depth caps
            {
                int depth = random.Next(3) switch { 0 => 1 + random.Next(16), 1 => 16 + random.Next(4), _ => 64 + random.Next(900) }; // the writer stops at 1000
                string nested = new string('[', depth) + "1" + new string(']', depth);
                try
                {
                    return Replace(root, node, JsonNode.Parse(nested, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 4096 }));
                }
                catch (System.Text.Json.JsonException)
                {
                    return root;
                }
            }
            case 5: // a property removed, or renamed
                if (node.Parent is JsonObject parent)
                {
                    string name = node.GetPropertyName();
                    parent.Remove(name);
                    if (random.Next(2) == 0 && !parent.ContainsKey(name + "_"))
                        parent[name + "_"] = node;
                }
                return root;
            case 6: // an array grown (many copies of one element) or emptied
                if (node is JsonArray array && array.Count > 0)
                {
                    if (random.Next(3) == 0)
                        array.Clear();
                    else
                    {
                        var element = array[random.Next(array.Count)];
                        for (int k = random.Next(2) == 0 ? 1 : 1 + random.Next(5000); k > 0; k--)
                            array.Add(element?.DeepClone());
                    }
                }
                return root;
            default: // an object where an array is, and the other way round
                return node switch
                {
                    JsonArray a => Replace(root, node, new JsonObject(a.Select((v, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        v?.DeepClone())))),
                    JsonObject o => Replace(root, node, new JsonArray([.. o.Select(p => p.Value?.DeepClone())])),
                    _ => Replace(root, node, JsonNode.Parse(Attacks[random.Next(Attacks.Length)])),
                };
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
            return;
        nodes.Add(node);
        if (node is JsonObject o)
            foreach (var p in o)
                Collect(p.Value, nodes);
        else if (node is JsonArray a)
            foreach (var v in a)
                Collect(v, nodes);
    }

    // Puts 'value' where 'node' is; returns the (possibly new) root.
    private static JsonNode Replace(JsonNode root, JsonNode node, JsonNode? value)
    {
        switch (node.Parent)
        {
            case null:
                return value ?? JsonValue.Create(0);
            case JsonObject o:
                o[node.GetPropertyName()] = value;
                return root;
            case JsonArray a:
                a[node.GetElementIndex()] = value;
                return root;
            default:
                return root;
        }
    }
}

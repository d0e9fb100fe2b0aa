using System.Text.Json;
using HourglassSimd.IO;

namespace HourglassSimd.Datasets;

/// <summary>
/// Person boxes per image for <c>infer --boxes</c>, read from JSON in one of two forms (docs/cli.md):
/// <list type="bullet">
/// <item>an object mapping image file names to lists of <c>[x, y, w, h]</c>:
/// <c>{"a.jpg": [[10, 20, 100, 250], [200, 30, 90, 240]], "b.png": []}</c>;</item>
/// <item>a COCO detection-results style array whose <c>image_id</c> is the image file name:
/// <c>[{"image_id": "a.jpg", "category_id": 1, "bbox": [10, 20, 100, 250], "score": 0.98}]</c>. Records with a
/// <c>category_id</c> other than 1 (person) are ignored; <c>score</c> and other fields are ignored. <c>infer</c>'s own
/// results file has this form, so it can be fed back.</item>
/// </list>
/// Names are matched against the image's file name (no folder), case-sensitively. At most <see cref="MaxFileBytes"/>
/// bytes of JSON nested at most <see cref="MaxDepth"/> deep are read; a path that is not a regular file (a device, a
/// FIFO) is refused before it is opened.
/// </summary>
public static class BoxesFile
{
    /// <summary>Largest boxes file read: 64 MiB (about a million boxes).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Deepest JSON nesting accepted: 16 (the numbers of a box are at depth 3 in either form).</summary>
    public const int MaxDepth = 16;

    /// <summary>The most people (boxes) one image may have: past it a file is refused rather than run for hours.</summary>
    public const int MaxPeoplePerImage = 10_000;

    /// <summary>Reads the file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The JSON is invalid or not in one of the two forms (the message says where), the path is not a regular file, or
    /// the file is over <see cref="MaxFileBytes"/>.
    /// </exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<BoxRectangle>> Read(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"boxes file '{path}' does not exist.", path);
        string source = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(path, MaxFileBytes);
        }
        catch (NotRegularFileException e)
        {
            throw new InvalidDataException($"boxes file '{path}' is {FileKinds.Describe(e.Kind)}, not a JSON file.", e);
        }
        catch (FileTooLargeException e)
        {
            throw new InvalidDataException($"{source}: more than {MaxFileBytes} bytes, the most a boxes file may have (MaxFileBytes).", e);
        }
        // JsonDocument checks UTF-8 only when a string is read (an InvalidOperationException then): check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
            throw new InvalidDataException($"{source}: not valid UTF-8 text.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes,
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => ReadObjectForm(root, source),
                JsonValueKind.Array => ReadArrayForm(root, source),
                _ => throw new InvalidDataException(
                    $"{source}: expected an object {{\"image.jpg\": [[x, y, w, h], ...]}} or an array of {{\"image_id\": \"image.jpg\", \"bbox\": [x, y, w, h]}} records, found {root.ValueKind}."),
            };
        }
    }

    private static Dictionary<string, IReadOnlyList<BoxRectangle>> ReadObjectForm(JsonElement root, string source)
    {
        var boxes = new Dictionary<string, IReadOnlyList<BoxRectangle>>(StringComparer.Ordinal);
        foreach (var entry in root.EnumerateObject())
        {
            string where = $"{source}: \"{entry.Name}\"";
            if (entry.Value.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{where}: expected a list of [x, y, w, h] boxes, found {entry.Value.ValueKind}.");
            var list = new List<BoxRectangle>();
            int index = 0;
            foreach (var box in entry.Value.EnumerateArray())
            {
                if (list.Count == MaxPeoplePerImage)
                    throw new InvalidDataException($"{where}: more than {MaxPeoplePerImage} boxes for one image.");
                list.Add(ReadBox(box, $"{where}[{index++}]"));
            }
            if (!boxes.TryAdd(entry.Name, list))
                throw new InvalidDataException($"{where} is listed twice.");
        }
        return boxes;
    }

    private static Dictionary<string, IReadOnlyList<BoxRectangle>> ReadArrayForm(JsonElement root, string source)
    {
        var boxes = new Dictionary<string, List<BoxRectangle>>(StringComparer.Ordinal);
        int index = 0;
        foreach (var record in root.EnumerateArray())
        {
            string where = $"{source}: record {index++}";
            if (record.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: expected an object with \"image_id\" and \"bbox\", found {record.ValueKind}.");
            if (record.TryGetProperty("category_id", out var category)
                && !(category.ValueKind == JsonValueKind.Number && category.TryGetInt32(out int id) && id == 1))
                continue; // not a person
            if (!record.TryGetProperty("image_id", out var image) || image.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(image.GetString()))
                throw new InvalidDataException($"{where}: \"image_id\" must be the image's file name (a string).");
            if (!record.TryGetProperty("bbox", out var bbox))
                throw new InvalidDataException($"{where}: \"bbox\" [x, y, w, h] is missing.");
            string name = image.GetString()!;
            if (!boxes.TryGetValue(name, out var list))
                boxes.Add(name, list = []);
            if (list.Count == MaxPeoplePerImage)
                throw new InvalidDataException($"{where}: more than {MaxPeoplePerImage} boxes for \"{name}\".");
            list.Add(ReadBox(bbox, $"{where} (\"{name}\") bbox"));
        }
        return boxes.ToDictionary(p => p.Key, p => (IReadOnlyList<BoxRectangle>)p.Value, StringComparer.Ordinal);
    }

    private static BoxRectangle ReadBox(JsonElement box, string where)
    {
        if (box.ValueKind != JsonValueKind.Array || box.GetArrayLength() != 4)
            throw new InvalidDataException($"{where}: expected [x, y, w, h] (four numbers).");
        var v = new float[4];
        int i = 0;
        foreach (var value in box.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out v[i]))
                throw new InvalidDataException($"{where}: expected [x, y, w, h] (four numbers).");
            i++;
        }
        try
        {
            return BoxRectangle.Create(v[0], v[1], v[2], v[3], where);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}

using System.Text.Json;
using HourglassSimd.IO;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// Reads MPII-style JSON annotations (the bearpaw <c>mpii_annotations.json</c> form): a top-level array of person records.
/// </summary>
/// <remarks>
/// <para>Fields read from each record (every other field is ignored):</para>
/// <list type="table">
/// <item><term><c>img_paths</c></term><description>string, required: the image file name, or a path relative to the image
/// folder; an absolute path or one with a <c>..</c> segment is refused (it would read files outside the image folder).</description></item>
/// <item><term><c>joint_self</c></term><description>array, required: one <c>[x, y]</c> or <c>[x, y, vis]</c> per joint (1-based MPII pixel
/// coordinates are used as they are). A joint whose x and y are both ≤ 0 (MPII writes missing joints as 0 or −1) is not
/// annotated and is skipped by PCKh. <c>vis</c> ≠ 0 means visible; absent means visible. Occluded joints still count.</description></item>
/// <item><term><c>objpos</c></term><description><c>[x, y]</c>, required: raw person centre.</description></item>
/// <item><term><c>scale_provided</c></term><description>number &gt; 0, required: raw scale (person height / 200).</description></item>
/// <item><term><c>isValidation</c></term><description>number (≠ 0 = true) or boolean, optional, default false.</description></item>
/// <item><term><c>normalize</c></term><description>number &gt; 0, optional: the PCKh head size in pixels (0.6 × head-box diagonal),
/// used as is.</description></item>
/// <item><term><c>head_rect</c></term><description><c>[x1, y1, x2, y2]</c>, optional: the head box; head size = 0.6 × its diagonal.
/// Used when <c>normalize</c> is absent.</description></item>
/// </list>
/// <para>When a record has neither <c>normalize</c> nor <c>head_rect</c>, <see cref="MpiiAnnotation.HeadSize"/> is null:
/// <see cref="PckhEvaluator"/> then skips that person and counts it in <see cref="PckhEvaluator.PeopleWithoutHeadSize"/>
/// (bearpaw's JSON has no head boxes; pass normalisers from another source, e.g. the h5 <c>normalize</c> field, to
/// <see cref="PckhEvaluator.Add(IReadOnlyList{Keypoint}, IReadOnlyList{AnnotatedJoint}, float)"/>).</para>
/// <para>The crop box applies the raw-MPII adjustment of hourglass-spec §2.1 (cy + 15·s, then s × 1.25) unless
/// <c>centersAreAdjusted</c> is true.</para>
/// <para>Limits: at most <see cref="MaxFileBytes"/> bytes of JSON nested at most <see cref="MaxDepth"/> deep; a path that
/// is not a regular file (a device, a FIFO) is refused before it is opened. Every error about a record names the record
/// index and the field.</para>
/// </remarks>
public static class MpiiAnnotationReader
{
    /// <summary>Largest annotation file read: 256 MiB (MPII's 25,000 people take about 12 MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>Deepest JSON nesting accepted: 16 (a record's <c>joint_self</c> points are at depth 4).</summary>
    public const int MaxDepth = 16;

    /// <summary>Reads an annotation file.</summary>
    /// <exception cref="AnnotationFormatException">
    /// The file is not valid JSON, a record is malformed (the message says where), the path is not a regular file, or the
    /// file is over <see cref="MaxFileBytes"/>.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<MpiiAnnotation> ReadFile(string path, bool centersAreAdjusted = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string name = Path.GetFileName(path);
        try
        {
            return Parse(BoundedFile.ReadAllBytes(path, MaxFileBytes), name, centersAreAdjusted);
        }
        catch (NotRegularFileException e)
        {
            throw new AnnotationFormatException($"'{path}' is {FileKinds.Describe(e.Kind)}, not an annotation file.", e);
        }
        catch (FileTooLargeException e)
        {
            throw new AnnotationFormatException($"{name}: more than {MaxFileBytes} bytes, the most an annotation file may have (MaxFileBytes).", e);
        }
    }

    /// <summary>Reads annotations from a UTF-8 JSON stream.</summary>
    /// <param name="stream">The JSON.</param>
    /// <param name="sourceName">Label used in error messages (e.g. the file name).</param>
    /// <param name="centersAreAdjusted">True when objpos/scale already carry the MPII adjustment (then the box uses them as they are).</param>
    /// <exception cref="AnnotationFormatException">The JSON is invalid, over <see cref="MaxFileBytes"/>, or a record is malformed.</exception>
    public static IReadOnlyList<MpiiAnnotation> Read(Stream stream, string sourceName = "annotations", bool centersAreAdjusted = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return Parse(BoundedFile.ReadAllBytes(stream, sourceName, MaxFileBytes), sourceName, centersAreAdjusted);
        }
        catch (FileTooLargeException e)
        {
            throw new AnnotationFormatException($"{sourceName}: more than {MaxFileBytes} bytes, the most an annotation file may have (MaxFileBytes).", e);
        }
    }

    private static List<MpiiAnnotation> Parse(byte[] json, string sourceName, bool centersAreAdjusted)
    {
        // JsonDocument checks UTF-8 only when a string is read (an InvalidOperationException then): check it up front.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new AnnotationFormatException($"{sourceName}: not valid UTF-8 text.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new AnnotationFormatException($"{sourceName}: not valid JSON ({e.Message})", e);
        }
        using (document)
            return ReadRoot(document.RootElement, sourceName, centersAreAdjusted);
    }

    /// <summary>Reads annotations from a JSON string.</summary>
    /// <exception cref="AnnotationFormatException">The JSON is invalid or a record is malformed.</exception>
    public static IReadOnlyList<MpiiAnnotation> Parse(string json, string sourceName = "annotations", bool centersAreAdjusted = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), sourceName, centersAreAdjusted);
    }

    private static List<MpiiAnnotation> ReadRoot(JsonElement root, string source, bool adjusted)
    {
        if (root.ValueKind != JsonValueKind.Array)
            throw new AnnotationFormatException(source, -1, null, $"expected a top-level array of person records, found {root.ValueKind}.");
        var records = new List<MpiiAnnotation>(root.GetArrayLength());
        int index = 0;
        foreach (var record in root.EnumerateArray())
        {
            records.Add(ReadRecord(record, source, index, adjusted));
            index++;
        }
        return records;
    }

    private static MpiiAnnotation ReadRecord(JsonElement record, string source, int index, bool adjusted)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new AnnotationFormatException(source, index, null, $"expected an object, found {record.ValueKind}.");

        var imagePath = Required(record, "img_paths", source, index);
        if (imagePath.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(imagePath.GetString()))
            throw new AnnotationFormatException(source, index, "img_paths", "expected a non-empty string.");
        string image = imagePath.GetString()!;
        if (Path.IsPathRooted(image) || image.Split('/', '\\').Contains(".."))
            throw new AnnotationFormatException(source, index, "img_paths",
                $"'{image}' leaves the image folder (an absolute path or a '..' segment); give a path relative to the image folder.");

        var jointsElement = Required(record, "joint_self", source, index);
        if (jointsElement.ValueKind != JsonValueKind.Array || jointsElement.GetArrayLength() == 0)
            throw new AnnotationFormatException(source, index, "joint_self", "expected a non-empty array of [x, y, vis].");
        var joints = new List<AnnotatedJoint>(jointsElement.GetArrayLength());
        foreach (var joint in jointsElement.EnumerateArray())
        {
            var values = Numbers(joint, source, index, $"joint_self[{joints.Count}]", minCount: 2, maxCount: 3);
            float x = (float)values[0], y = (float)values[1];
            bool visible = values.Length < 3 || values[2] != 0;
            bool annotated = !(x <= 0 && y <= 0);
            joints.Add(new AnnotatedJoint(x, y, visible, annotated));
        }

        var center = Numbers(Required(record, "objpos", source, index), source, index, "objpos", 2, 2);
        var scaleElement = Required(record, "scale_provided", source, index);
        double scale = Number(scaleElement, source, index, "scale_provided");
        if (!(scale > 0))
            throw new AnnotationFormatException(source, index, "scale_provided", $"must be greater than 0, found {scale}.");

        bool isValidation = false;
        if (record.TryGetProperty("isValidation", out var validation))
        {
            isValidation = validation.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => Number(validation, source, index, "isValidation") != 0,
                _ => throw new AnnotationFormatException(source, index, "isValidation", $"expected a number or boolean, found {validation.ValueKind}."),
            };
        }

        float? headSize = null;
        if (record.TryGetProperty("normalize", out var normalize))
        {
            double value = Number(normalize, source, index, "normalize");
            if (!(value > 0))
                throw new AnnotationFormatException(source, index, "normalize", $"must be greater than 0, found {value}.");
            headSize = (float)value;
        }
        else if (record.TryGetProperty("head_rect", out var headRect))
        {
            var r = Numbers(headRect, source, index, "head_rect", 4, 4);
            double diagonal = Math.Sqrt((r[2] - r[0]) * (r[2] - r[0]) + (r[3] - r[1]) * (r[3] - r[1]));
            if (!(diagonal > 0))
                throw new AnnotationFormatException(source, index, "head_rect", "the head box has zero size.");
            headSize = (float)(PckhEvaluator.HeadSizeFactor * diagonal);
        }

        float cx = (float)center[0], cy = (float)center[1], s = (float)scale;
        PersonBox box;
        try
        {
            box = adjusted ? new PersonBox(cx, cy, s) : PersonBox.FromMpiiAnnotation(cx, cy, s);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A scale near float.MaxValue overflows 1.25·s or cy + 15·s; a scale below float's range rounds to 0.
            bool scaleAtFault = e.ParamName == "scale" || !float.IsFinite(15f * s);
            throw new AnnotationFormatException(source, index, scaleAtFault ? "scale_provided" : "objpos",
                $"objpos ({center[0]}, {center[1]}) with scale_provided {scale} does not give a finite person box ({e.Message.Split('\n')[0].Split(" (Parameter")[0]})", e);
        }
        return new MpiiAnnotation
        {
            Index = index,
            ImagePath = image,
            Joints = joints,
            ObjectPositionX = cx,
            ObjectPositionY = cy,
            ScaleProvided = s,
            Box = box,
            IsValidation = isValidation,
            HeadSize = headSize,
        };
    }

    private static JsonElement Required(JsonElement record, string field, string source, int index) =>
        record.TryGetProperty(field, out var value)
            ? value
            : throw new AnnotationFormatException(source, index, field, "missing.");

    private static double Number(JsonElement element, string source, int index, string field)
    {
        if (element.ValueKind != JsonValueKind.Number)
            throw new AnnotationFormatException(source, index, field, $"expected a number, found {element.ValueKind}.");
        if (!element.TryGetDouble(out double value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new AnnotationFormatException(source, index, field, $"{element.GetRawText()} is out of range.");
        return value;
    }

    private static double[] Numbers(JsonElement element, string source, int index, string field, int minCount, int maxCount)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw new AnnotationFormatException(source, index, field, $"expected an array of numbers, found {element.ValueKind}.");
        int count = element.GetArrayLength();
        if (count < minCount || count > maxCount)
        {
            string expected = minCount == maxCount ? $"{minCount}" : $"{minCount} to {maxCount}";
            throw new AnnotationFormatException(source, index, field, $"expected {expected} numbers, found {count}.");
        }
        var values = new double[count];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            values[i] = Number(item, source, index, $"{field}[{i}]");
            i++;
        }
        return values;
    }
}

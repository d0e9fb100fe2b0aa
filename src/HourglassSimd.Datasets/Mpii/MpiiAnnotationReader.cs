using HourglassSimd.Pose;
using System.Text.Json;

namespace HourglassSimd.Datasets;

/// <summary>
/// Reads MPII-style JSON annotations (the bearpaw <c>mpii_annotations.json</c> form): a top-level array of person records.
/// </summary>
/// <remarks>
/// <para>Fields read from each record (every other field is ignored):</para>
/// <list type="table">
/// <item><term><c>img_paths</c></term><description>string, required: the image file name.</description></item>
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
/// </remarks>
public static class MpiiAnnotationReader
{
    /// <summary>Reads an annotation file.</summary>
    /// <exception cref="AnnotationFormatException">The file is not valid JSON or a record is malformed (the message says where).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<MpiiAnnotation> ReadFile(string path, bool centersAreAdjusted = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path), centersAreAdjusted);
    }

    /// <summary>Reads annotations from a UTF-8 JSON stream.</summary>
    /// <param name="stream">The JSON.</param>
    /// <param name="sourceName">Label used in error messages (e.g. the file name).</param>
    /// <param name="centersAreAdjusted">True when objpos/scale already carry the MPII adjustment (then the box uses them as they are).</param>
    /// <exception cref="AnnotationFormatException">The JSON is invalid or a record is malformed.</exception>
    public static IReadOnlyList<MpiiAnnotation> Read(Stream stream, string sourceName = "annotations", bool centersAreAdjusted = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
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
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Read(stream, sourceName, centersAreAdjusted);
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
                JsonValueKind.Number => validation.GetDouble() != 0,
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
        return new MpiiAnnotation
        {
            Index = index,
            ImagePath = imagePath.GetString()!,
            Joints = joints,
            ObjectPositionX = cx,
            ObjectPositionY = cy,
            ScaleProvided = s,
            Box = adjusted ? new PersonBox(cx, cy, s) : PersonBox.FromMpiiAnnotation(cx, cy, s),
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
        double value = element.GetDouble();
        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new AnnotationFormatException(source, index, field, $"{value} is out of range.");
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

using System.Text.Json;

namespace HourglassSimd.Training;

/// <summary>Reads MPII-style JSON annotations: an array of person records (docs/training.md lists the fields).</summary>
/// <remarks>
/// Accepted fields per record (others are ignored):
/// <c>img_paths</c> (string, relative to the image folder), <c>joint_self</c> (J × [x, y, visible] in image pixels),
/// <c>objpos</c> ([x, y] box centre), <c>scale_provided</c> (box height / 200), <c>isValidation</c> (0/1 or bool; optional,
/// default false).
/// </remarks>
public static class MpiiJsonAnnotations
{
    public const string ImageField = "img_paths";
    public const string JointsField = "joint_self";
    public const string CenterField = "objpos";
    public const string ScaleField = "scale_provided";
    public const string ValidationField = "isValidation";

    /// <summary>Loads and validates every record; throws <see cref="TrainingException"/> with a one-line reason.</summary>
    public static IReadOnlyList<PoseAnnotation> Load(string path, int joints, BoxAdjustment adjustment)
    {
        if (!File.Exists(path))
        {
            throw new TrainingException($"annotation file '{path}' does not exist");
        }

        JsonDocument document;
        try
        {
            using FileStream stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TrainingException($"'{path}' is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new TrainingException($"'{path}' must hold a JSON array of person records");
            }

            var records = new List<PoseAnnotation>();
            int index = 0;
            foreach (JsonElement record in document.RootElement.EnumerateArray())
            {
                try
                {
                    records.Add(ReadRecord(record, joints, adjustment));
                }
                catch (FormatException e)
                {
                    throw new TrainingException($"'{path}' record {index}: {e.Message}");
                }

                index++;
            }

            return records;
        }
    }

    private static PoseAnnotation ReadRecord(JsonElement record, int joints, BoxAdjustment adjustment)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("is not a JSON object");
        }

        string image = Required(record, ImageField, JsonValueKind.String).GetString()!;
        if (image.Length == 0)
        {
            throw new FormatException($"'{ImageField}' is empty");
        }

        JsonElement jointArray = Required(record, JointsField, JsonValueKind.Array);
        if (jointArray.GetArrayLength() != joints)
        {
            throw new FormatException($"'{JointsField}' has {jointArray.GetArrayLength()} joints but --joints is {joints}");
        }

        var parsed = new JointAnnotation[joints];
        int j = 0;
        foreach (JsonElement joint in jointArray.EnumerateArray())
        {
            float[] values = Numbers(joint, $"{JointsField}[{j}]", minCount: 2, maxCount: 3);
            float x = values[0], y = values[1];
            bool visible = values.Length < 3 || values[2] > 0;
            bool annotated = x >= 0 && y >= 0 && !(x == 0 && y == 0);
            parsed[j++] = new JointAnnotation(x, y, annotated, annotated && visible);
        }

        float[] center = Numbers(Required(record, CenterField, JsonValueKind.Array), CenterField, minCount: 2, maxCount: 2);
        float scale = Number(Required(record, ScaleField, JsonValueKind.Number), ScaleField);
        if (!(scale > 0))
        {
            throw new FormatException($"'{ScaleField}' must be positive, got {scale}");
        }

        bool isValidation = record.TryGetProperty(ValidationField, out JsonElement validation) && validation.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.Number => validation.GetDouble() != 0,
            _ => throw new FormatException($"'{ValidationField}' must be a number or a boolean"),
        };

        float cx = center[0], cy = center[1];
        if (adjustment == BoxAdjustment.Mpii)
        {
            // The reference pipelines move the raw MPII centre down and enlarge the box (spec §2.1).
            cy += 15 * scale;
            scale *= 1.25f;
        }

        return new PoseAnnotation(image, parsed, cx, cy, scale, isValidation);
    }

    private static JsonElement Required(JsonElement record, string name, JsonValueKind kind)
    {
        if (!record.TryGetProperty(name, out JsonElement value))
        {
            throw new FormatException($"field '{name}' is missing");
        }

        if (value.ValueKind != kind)
        {
            throw new FormatException($"field '{name}' must be a JSON {kind.ToString().ToLowerInvariant()}, got {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        return value;
    }

    private static float[] Numbers(JsonElement array, string name, int minCount, int maxCount)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() < minCount || array.GetArrayLength() > maxCount)
        {
            string count = minCount == maxCount ? $"{minCount}" : $"{minCount} to {maxCount}";
            throw new FormatException($"'{name}' must be an array of {count} numbers");
        }

        return array.EnumerateArray().Select(e => Number(e, name)).ToArray();
    }

    private static float Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Number || !float.IsFinite(element.GetSingle()))
        {
            throw new FormatException($"'{name}' must hold finite numbers");
        }

        return element.GetSingle();
    }
}

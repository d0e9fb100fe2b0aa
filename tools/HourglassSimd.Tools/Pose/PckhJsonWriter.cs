using HourglassSimd.Datasets;
using System.Text.Json;
using HourglassSimd.IO;
using HourglassSimd.Pose;

namespace HourglassSimd.Tools.Pose;

/// <summary>
/// Writes <c>eval</c>'s results as JSON (format in docs/cli.md): the run summary, PCKh@0.5 by group with the three
/// means, per joint with counts, and the curve. Percentages 0–100; null where no joint of that kind is annotated.
/// </summary>
internal static class PckhJsonWriter
{
    /// <summary>Writes the results to <paramref name="path"/>, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(string path, EvalSummary summary, PckhResult result, IReadOnlyList<PckhResult> curve, JointLayout layout) =>
        AtomicFile.Write(path, stream => Write(stream, summary, result, curve, layout));

    private static void Write(Stream stream, EvalSummary summary, PckhResult result, IReadOnlyList<PckhResult> curve, JointLayout layout)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("model", summary.Model);
        json.WriteString("annotations", summary.Annotations);
        json.WriteString("image_folder", summary.ImageFolder);
        json.WriteBoolean("flip_test", summary.FlipTest);
        json.WriteNumber("threshold", result.Threshold);

        json.WriteStartObject("people");
        json.WriteNumber("validation", summary.ValidationPeople);
        json.WriteNumber("evaluated", summary.EvaluatedPeople);
        json.WriteNumber("without_head_size", summary.PeopleWithoutHeadSize);
        json.WriteNumber("in_unreadable_images", summary.PeopleInUnreadableImages);
        json.WriteEndObject();
        json.WriteStartObject("images");
        json.WriteNumber("total", summary.Images);
        json.WriteNumber("unreadable", summary.UnreadableImages);
        json.WriteEndObject();

        json.WriteStartObject("pckh");
        WriteColumns(json, result, layout);
        WriteValue(json, "unweighted_mean", result.UnweightedMean);
        WriteValue(json, "total", result.Total);
        json.WriteEndObject();
        json.WriteString("mean_definition", PckhColumns.MeanDefinition(result.PerJoint.Count));

        json.WriteStartArray("per_joint");
        for (int j = 0; j < result.PerJoint.Count; j++)
        {
            json.WriteStartObject();
            json.WriteString("joint", layout.Names[j]);
            WriteValue(json, "pckh", result.PerJoint[j]);
            json.WriteNumber("correct", result.Correct[j]);
            json.WriteNumber("annotated", result.Counts[j]);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("curve");
        foreach (var point in curve)
        {
            json.WriteStartObject();
            json.WriteNumber("threshold", Math.Round((decimal)point.Threshold, 3));
            WriteColumns(json, point, layout);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Column names in lower case: head, shoulder, ..., mean (or the joint names for other layouts).
    private static void WriteColumns(Utf8JsonWriter json, PckhResult result, JointLayout layout)
    {
        foreach (var (name, value) in PckhColumns.Of(result, layout))
            WriteValue(json, name.ToLowerInvariant(), value);
    }

    private static void WriteValue(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumber(name, value);
        else
            json.WriteNull(name);
    }
}

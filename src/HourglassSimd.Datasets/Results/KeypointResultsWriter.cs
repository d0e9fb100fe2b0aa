using System.Text.Json;
using HourglassSimd.IO;

namespace HourglassSimd.Datasets;

/// <summary>
/// Writes <c>infer</c>'s results as a COCO keypoint-results array: one record per person,
/// <c>{"image_id": "a.jpg", "category_id": 1, "keypoints": [x0, y0, c0, ...], "score": s, "bbox": [x, y, w, h]}</c>.
/// </summary>
/// <remarks>
/// <c>image_id</c> is the image file name (COCO's evaluator wants integer ids; map the names to your ids before using it).
/// The third value of each keypoint triple is the heatmap confidence, not a COCO visibility flag; MPII models give 16
/// keypoints, not COCO's 17. Coordinates are image pixels with the pixel-centre convention of docs/pose.md (pixel i spans
/// [i, i+1)), rounded to 0.01 px; confidences and scores to 1e-4. A non-finite value (only possible with broken weights)
/// is written as 0.
/// </remarks>
public static class KeypointResultsWriter
{
    /// <summary>
    /// Writes <paramref name="people"/> to <paramref name="path"/> (replaced) through a temporary file beside it that
    /// is renamed over the path once complete (<see cref="AtomicFile"/>): a failure leaves no partial results file.
    /// </summary>
    public static void Write(string path, IEnumerable<PersonPose> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        AtomicFile.Write(path, stream => Write(stream, people));
    }

    /// <summary>Writes <paramref name="people"/> as UTF-8 JSON, one record per line.</summary>
    public static void Write(Stream stream, IEnumerable<PersonPose> people)
    {
        // One compact record per line: an indented writer would put each of the 48 numbers on its own line.
        stream.Write("["u8);
        bool first = true;
        using var record = new MemoryStream();
        foreach (var person in people)
        {
            record.SetLength(0);
            using (var json = new Utf8JsonWriter(record))
                WriteRecord(json, person);
            stream.Write(first ? "\n  "u8 : ",\n  "u8);
            stream.Write(record.GetBuffer().AsSpan(0, (int)record.Length));
            first = false;
        }
        stream.Write(first ? "]\n"u8 : "\n]\n"u8);
    }

    private static void WriteRecord(Utf8JsonWriter json, PersonPose person)
    {
        json.WriteStartObject();
        json.WriteString("image_id", person.ImageId);
        json.WriteNumber("category_id", 1);
        json.WriteStartArray("keypoints");
        foreach (var k in person.Pose.Keypoints)
        {
            json.WriteNumberValue(Round(k.X, 2));
            json.WriteNumberValue(Round(k.Y, 2));
            json.WriteNumberValue(Round(k.Confidence, 4));
        }
        json.WriteEndArray();
        json.WriteNumber("score", Round(person.Pose.Score, 4));
        json.WriteStartArray("bbox");
        json.WriteNumberValue(Round(person.Rectangle.X, 2));
        json.WriteNumberValue(Round(person.Rectangle.Y, 2));
        json.WriteNumberValue(Round(person.Rectangle.Width, 2));
        json.WriteNumberValue(Round(person.Rectangle.Height, 2));
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Rounded through decimal, written as the shortest double that round-trips: 12.3 rather than 12.300000190734863 or 12.30.
    // Beyond 1e15 a float has no fractional digits to round (and decimal ends at 7.9e28): written as it is.
    private static double Round(float value, int decimals) =>
        !float.IsFinite(value) ? 0
        : Math.Abs(value) < 1e15f ? (double)Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero)
        : value;
}

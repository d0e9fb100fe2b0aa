using HourglassSimd.Datasets;
using System.Globalization;

namespace HourglassSimd.Tools.Pose;

/// <summary>The short per-person table <c>infer</c> prints for a single image: joint name, x, y, confidence.</summary>
internal static class KeypointTable
{
    /// <summary>Writes one table per person; joints below <paramref name="threshold"/> are marked (they are not drawn).</summary>
    public static void Write(TextWriter writer, IReadOnlyList<PersonPose> people, float threshold)
    {
        for (int p = 0; p < people.Count; p++)
        {
            var person = people[p];
            var pose = person.Pose;
            if (p > 0)
                writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"person {p + 1}: box {person.Rectangle}, score {pose.Score:0.000}"));
            int nameWidth = Math.Max("joint".Length, pose.Keypoints.Max(k => k.Name.Length));
            writer.WriteLine($"  {"joint".PadRight(nameWidth)} {"x",9} {"y",9} {"confidence",10}");
            foreach (var k in pose.Keypoints)
            {
                string note = k.Confidence >= threshold ? "" : "  (below threshold)";
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {k.Name.PadRight(nameWidth)} {k.X,9:0.0} {k.Y,9:0.0} {k.Confidence,10:0.000}{note}"));
            }
        }
    }
}

using System.Globalization;
using System.Text;
using HourglassSimd.Pose;

namespace HourglassSimd.Cli.Tests.Support;

/// <summary>How a crafted ground-truth joint relates to the model's prediction.</summary>
public enum JointTruth
{
    /// <summary>The ground truth is the prediction itself: correct at every threshold above 0.</summary>
    Exact,

    /// <summary>The ground truth is 300 px to the right of the prediction: 10 head sizes away, wrong at every threshold.</summary>
    Far,

    /// <summary>Not annotated (written as [-1, -1]): does not count.</summary>
    Missing,
}

/// <summary>
/// A hand-made MPII-style annotation set whose PCKh is known exactly: the model is first run in-process on each record's
/// box, then each ground-truth joint is written either at the prediction (<see cref="JointTruth.Exact"/>) or far from it.
/// </summary>
public static class EvalFixture
{
    /// <summary>Head box of every record: 30 x 40 px, diagonal 50, head size 0.6 × 50 = 30 px (PCKh@0.5 radius 15 px).</summary>
    public const string HeadRect = "[10, 10, 40, 50]";

    public const float FarOffset = 300;

    /// <summary>One person record to write.</summary>
    /// <param name="Image">img_paths.</param>
    /// <param name="X">objpos x.</param>
    /// <param name="Y">objpos y.</param>
    /// <param name="Scale">scale_provided.</param>
    /// <param name="Truth">Per joint, how the ground truth is placed (16 entries).</param>
    /// <param name="IsValidation">isValidation.</param>
    /// <param name="HasHeadSize">Whether head_rect is written.</param>
    public sealed record Person(string Image, float X, float Y, float Scale, JointTruth[] Truth, bool IsValidation = true, bool HasHeadSize = true);

    /// <summary>Per-joint truth from a rule.</summary>
    public static JointTruth[] Joints(Func<int, JointTruth> rule) => [.. Enumerable.Range(0, 16).Select(rule)];

    /// <summary>
    /// Writes the annotation JSON for <paramref name="people"/>, placing joints from the predictions of the CLI's own
    /// computation (people of one image batched together, as <c>eval</c> does). Images that do not exist get no
    /// prediction: their joints are written at arbitrary positions.
    /// </summary>
    public static void WriteAnnotations(string path, string model, string imageFolder, IReadOnlyList<Person> people, bool flipTest,
        (int Height, int Width)? inputSize = null, IReadOnlyList<float>? scales = null)
    {
        var predictions = new Dictionary<Person, PoseResult>();
        foreach (var group in people.Where(p => p.IsValidation && File.Exists(Path.Combine(imageFolder, p.Image))).GroupBy(p => p.Image))
        {
            var boxes = group.Select(p => PersonBox.FromMpiiAnnotation(p.X, p.Y, p.Scale)).ToList();
            var poses = TestModel.Estimate(model, Path.Combine(imageFolder, group.Key), boxes, flipTest, inputSize, scales);
            foreach (var (person, pose) in group.Zip(poses))
                predictions[person] = pose;
        }

        var json = new StringBuilder("[\n");
        for (int i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var joints = new List<string>();
            for (int j = 0; j < 16; j++)
            {
                var (x, y) = predictions.TryGetValue(person, out var pose) ? (pose.Keypoints[j].X, pose.Keypoints[j].Y) : (20f + j, 30f + j);
                if (person.Truth[j] != JointTruth.Missing && !(x > 0 || y > 0))
                    throw new InvalidOperationException($"the prediction of joint {j} of record {i} is not inside the image; move the box.");
                joints.Add(person.Truth[j] switch
                {
                    JointTruth.Exact => Invariant($"[{x:R}, {y:R}, 1]"),
                    JointTruth.Far => Invariant($"[{x + FarOffset:R}, {y:R}, 0]"),
                    _ => "[-1, -1, 0]",
                });
            }
            json.Append(Invariant($"  {{\"img_paths\": \"{person.Image}\", \"objpos\": [{person.X}, {person.Y}], \"scale_provided\": {person.Scale}, "));
            json.Append($"\"isValidation\": {(person.IsValidation ? "1.0" : "0.0")}, ");
            if (person.HasHeadSize)
                json.Append($"\"head_rect\": {HeadRect}, ");
            json.Append($"\"joint_self\": [{string.Join(", ", joints)}], \"img_width\": 128}}");
            json.Append(i < people.Count - 1 ? ",\n" : "\n");
        }
        json.Append(']');
        File.WriteAllText(path, json.ToString());
    }

    /// <summary>Per joint (correct, annotated) of the validation people with a head size whose image exists.</summary>
    public static (int Correct, int Annotated)[] Expected(IEnumerable<Person> evaluated)
    {
        var counts = new (int, int)[16];
        foreach (var person in evaluated)
        {
            for (int j = 0; j < 16; j++)
            {
                if (person.Truth[j] == JointTruth.Missing)
                    continue;
                counts[j] = (counts[j].Item1 + (person.Truth[j] == JointTruth.Exact ? 1 : 0), counts[j].Item2 + 1);
            }
        }
        return counts;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using HourglassSimd.TestSupport;
using System.Globalization;
using System.Text.Json;
using HourglassSimd.Cli.Tests.Support;
using static HourglassSimd.Cli.Tests.Support.EvalFixture;

namespace HourglassSimd.Cli.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private static readonly string[] Groups = ["Head", "Shoulder", "Elbow", "Wrist", "Hip", "Knee", "Ankle", "Mean"];

    private readonly TempFolder _temp = new();
    private readonly string _model;
    private readonly string _images;

    public EvalCommandTests()
    {
        _model = TestModel.Write(_temp.Combine("model.hgw"));
        _images = _temp.Folder("images");
        TestImages.WritePng(Path.Combine(_images, "img1.png"), 128, 128, seed: 11);
        TestImages.WriteJpeg(Path.Combine(_images, "img2.jpg"), 128, 96, seed: 12);
    }

    public void Dispose() => _temp.Dispose();

    // Two people share img1 (one batch), two share img2; one of them has no head size, and one record is not in the
    // validation split (its image does not even exist). Every crop lies inside its image.
    private static List<Person> People() =>
    [
        new("img1.png", 40, 50, 0.3f, Joints(_ => JointTruth.Exact)),
        new("img1.png", 90, 50, 0.3f, Joints(j => j switch
        {
            <= 3 or 6 or 7 or 8 => JointTruth.Exact,
            9 => JointTruth.Missing,
            _ => JointTruth.Far,
        })),
        new("img2.jpg", 64, 40, 0.3f, Joints(j => j switch { 9 => JointTruth.Exact, 0 => JointTruth.Missing, _ => JointTruth.Far })),
        new("img2.jpg", 60, 40, 0.3f, Joints(_ => JointTruth.Exact), HasHeadSize: false),
        new("not-in-split.png", 50, 50, 0.3f, Joints(_ => JointTruth.Far), IsValidation: false),
    ];

    /// <summary>
    /// With --input-size the crops run at that size: annotations crafted from the estimator at 128x64 give the
    /// crafted table only if eval runs at 128x64 too (at the model's 64x64 the "exact" joints would move).
    /// </summary>
    [Fact]
    public void Input_size_option_evaluates_at_that_size()
    {
        var people = People();
        string annotations = _temp.Combine("annotations-sized.json");
        WriteAnnotations(annotations, _model, _images, people, flipTest: true, inputSize: (128, 64));
        string json = _temp.Combine("pckh-sized.json");

        var run = HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images,
            "--json", json, "--threads", "1", "--input-size", "128x64");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = ExpectedGroups(Expected(people.Take(3)));
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var pckh = document.RootElement.GetProperty("pckh");
        for (int g = 0; g < Groups.Length; g++)
            Assert.Equal(expected.Values[g], pckh.GetProperty(Groups[g].ToLowerInvariant()).GetDouble(), 9);

        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images,
            "--input-size", "0"), "--input-size 0: input size 0x0 is not supported");
    }

    /// <summary>
    /// With --scales the crops run at those zooms: annotations crafted from the multi-scale estimator give the crafted
    /// table only with the same scales. The first line and the JSON name the scales and the time per image.
    /// </summary>
    [Fact]
    public void Scales_option_evaluates_multi_scale_and_reports_the_time_per_image()
    {
        var people = People();
        string annotations = _temp.Combine("annotations-scales.json");
        WriteAnnotations(annotations, _model, _images, people, flipTest: true, scales: [0.8f, 1f, 1.2f]);
        string json = _temp.Combine("pckh-scales.json"), plainJson = _temp.Combine("pckh-plain.json");

        var run = HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images,
            "--json", json, "--threads", "1", "--scales", "0.8,1,1.2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"PCKh@0\.5: 3 people in 2 images \(flip test on, scales 0\.8,1,1\.2, \d+:\d\d; pose estimation \d+\.\d ms per image\)", run.Output);
        var expected = ExpectedGroups(Expected(people.Take(3)));
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.Equal([0.8, 1, 1.2], root.GetProperty("scales").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
        Assert.True(root.GetProperty("estimation_ms_per_image").GetDouble() > 0);
        var pckh = root.GetProperty("pckh");
        for (int g = 0; g < Groups.Length; g++)
            Assert.Equal(expected.Values[g], pckh.GetProperty(Groups[g].ToLowerInvariant()).GetDouble(), 9);

        // The single crop predicts elsewhere, so the same annotations score differently without --scales.
        var plain = HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images,
            "--json", plainJson, "--threads", "1");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("(flip test on, 0:", plain.Output);
        using var plainDocument = JsonDocument.Parse(File.ReadAllText(plainJson));
        Assert.Equal([1.0], plainDocument.RootElement.GetProperty("scales").EnumerateArray().Select(v => v.GetDouble()));
        Assert.NotEqual(expected.Values[^1], plainDocument.RootElement.GetProperty("pckh").GetProperty("mean").GetDouble(), 9);
    }

    [Theory]
    [InlineData("0.8,,1", "--scales '0.8,,1' is not a list of scales")]
    [InlineData("5", "--scales 5: scale 5 is not between 0.25 and 4")]
    [InlineData("1,1", "--scales 1,1: scale 1 is given twice")]
    [InlineData("1,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8", "9 scales; give 1 to 8")]
    public void Bad_scales_fail_with_one_line(string scales, string expected)
    {
        // The option is checked before the annotations are read.
        HourglassCli.AssertFails(HourglassCli.Run("eval", "--model", _model, "--annotations", _temp.Combine("none.json"), "--images", _images,
            $"--scales={scales}"), expected);
    }

    [Fact]
    public void Pckh_table_json_and_csv_match_the_crafted_annotations()
    {
        var people = People();
        string annotations = _temp.Combine("annotations.json");
        WriteAnnotations(annotations, _model, _images, people, flipTest: true);
        string json = _temp.Combine("pckh.json"), csv = _temp.Combine("curve.csv");

        var run = HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images,
            "--json", json, "--csv", csv, "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var counts = Expected(people.Take(3));
        var expected = ExpectedGroups(counts);
        // The crafted design: head 2/2, shoulders, elbows, wrists 1/3 each, hips 2/3, knees 2/3 and 1/3, ankles 2/2 and 1/3,
        // 14-joint mean 20/40.
        Assert.Equal([100, 100 / 3.0, 100 / 3.0, 100 / 3.0, 200 / 3.0, 50, 200 / 3.0, 50], expected.Values, new ToleranceComparer(1e-9));

        Assert.Contains("PCKh@0.5: 3 people in 2 images (flip test on", run.Output);
        Assert.Contains(string.Concat(Groups.Select(g => g.PadLeft(9))), run.Output);
        Assert.Contains(string.Concat(expected.Values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(9))), run.Output);
        Assert.Contains("Mean: count-weighted over the 14 joints other than pelvis and thorax", run.Output);
        Assert.Contains("Unweighted mean of those 14 joints: 52.38; total over all 16 joints (count-weighted): 52.17.", run.Output);
        Assert.Contains("not evaluated: 1 person without a head size", run.Output);

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.True(root.GetProperty("flip_test").GetBoolean());
        Assert.Equal(0.5, root.GetProperty("threshold").GetDouble());
        var peopleCounts = root.GetProperty("people");
        Assert.Equal((4, 3, 1, 0), (peopleCounts.GetProperty("validation").GetInt32(), peopleCounts.GetProperty("evaluated").GetInt32(),
            peopleCounts.GetProperty("without_head_size").GetInt32(), peopleCounts.GetProperty("in_unreadable_images").GetInt32()));
        Assert.Equal(2, root.GetProperty("images").GetProperty("total").GetInt32());
        var pckh = root.GetProperty("pckh");
        for (int g = 0; g < Groups.Length; g++)
            Assert.Equal(expected.Values[g], pckh.GetProperty(Groups[g].ToLowerInvariant()).GetDouble(), 9);
        Assert.Equal(expected.Unweighted, pckh.GetProperty("unweighted_mean").GetDouble(), 9);
        Assert.Equal(expected.Total, pckh.GetProperty("total").GetDouble(), 9);
        var perJoint = root.GetProperty("per_joint").EnumerateArray().ToList();
        Assert.Equal(16, perJoint.Count);
        Assert.Equal("right_ankle", perJoint[0].GetProperty("joint").GetString());
        for (int j = 0; j < 16; j++)
            Assert.Equal(counts[j], (perJoint[j].GetProperty("correct").GetInt32(), perJoint[j].GetProperty("annotated").GetInt32()));
        var curve = root.GetProperty("curve").EnumerateArray().ToList();
        Assert.Equal(11, curve.Count);
        Assert.Equal(0, curve[0].GetProperty("mean").GetDouble());
        Assert.Equal(expected.Values[^1], curve[^1].GetProperty("mean").GetDouble(), 9);

        // Exact joints are correct at every threshold above 0, far ones at none; nothing is correct at 0 (strict <).
        var lines = File.ReadAllLines(csv);
        Assert.Equal("threshold,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean", lines[0]);
        Assert.Equal(12, lines.Length);
        Assert.Equal("0,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000", lines[1]);
        string values = string.Join(',', expected.Values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)));
        string[] thresholds = ["0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5"];
        Assert.Equal(thresholds.Select(t => $"{t},{values}"), lines[2..]);
    }

    [Fact]
    public void Missing_image_is_reported_and_counted_and_the_rest_is_evaluated()
    {
        var people = People();
        people.Add(new Person("lost.png", 50, 50, 0.3f, Joints(_ => JointTruth.Exact)));
        string annotations = _temp.Combine("annotations.json");
        WriteAnnotations(annotations, _model, _images, people, flipTest: false);
        string json = _temp.Combine("pckh.json");

        var run = HourglassCli.Run("eval", "--model", _model, "--annotations", annotations, "--images", _images, "--json", json,
            "--threads", "1", "--no-flip");

        Assert.True(run.ExitCode == 2, run.ToString());
        var expected = ExpectedGroups(Expected(people.Take(3)));
        Assert.Contains(string.Concat(expected.Values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(9))), run.Output);
        Assert.Contains("PCKh@0.5: 3 people in 2 images (flip test off", run.Output);
        Assert.Contains("not evaluated: 1 person in 1 image that could not be read", run.Output);
        var errorLines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(errorLines, l => l.StartsWith("skipped: lost.png: ", StringComparison.Ordinal) && l.EndsWith("(1 person not evaluated)", StringComparison.Ordinal));
        Assert.Contains("1 of 3 images could not be read", run.Error);
        Assert.DoesNotContain("not-in-split", run.Error);
        Assert.DoesNotContain("Exception", run.Error);

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.False(root.GetProperty("flip_test").GetBoolean());
        Assert.Equal(1, root.GetProperty("people").GetProperty("in_unreadable_images").GetInt32());
        Assert.Equal(5, root.GetProperty("people").GetProperty("validation").GetInt32());
        Assert.Equal((3, 1), (root.GetProperty("images").GetProperty("total").GetInt32(), root.GetProperty("images").GetProperty("unreadable").GetInt32()));
        Assert.Equal(expected.Values[^1], root.GetProperty("pckh").GetProperty("mean").GetDouble(), 9);
    }

    /// <summary>The spec's definitions (hourglass-spec §4.4, docs/pose.md §8) applied to per-joint counts.</summary>
    private static (double[] Values, double Unweighted, double Total) ExpectedGroups((int Correct, int Annotated)[] counts)
    {
        double Pck(int j) => 100.0 * counts[j].Correct / counts[j].Annotated;
        double Pair(int a, int b) => (Pck(a) + Pck(b)) / 2;
        int[] fourteen = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15];
        double mean = 100.0 * fourteen.Sum(j => counts[j].Correct) / fourteen.Sum(j => counts[j].Annotated);
        double total = 100.0 * counts.Sum(c => c.Correct) / counts.Sum(c => c.Annotated);
        return ([Pck(9), Pair(12, 13), Pair(11, 14), Pair(10, 15), Pair(2, 3), Pair(1, 4), Pair(0, 5), mean], fourteen.Average(Pck), total);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

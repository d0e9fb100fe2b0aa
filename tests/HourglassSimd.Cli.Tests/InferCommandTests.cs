using HourglassSimd.TestSupport;
using System.Text.Json;
using HourglassSimd.Cli.Tests.Support;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Cli.Tests;

public sealed class InferCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _model;

    public InferCommandTests()
    {
        _model = TestModel.Write(_temp.Combine("model.hgw"));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Single_image_prints_the_table_writes_the_overlay_and_the_json()
    {
        string image = TestImages.WritePng(_temp.Combine("person.png"), 96, 80);
        string outFolder = _temp.Combine("out");

        var run = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("person.png: 1 person (flip test on)", run.Output);
        Assert.Contains("joint", run.Output);
        foreach (string joint in JointLayout.Mpii16.Names)
            Assert.Contains(joint, run.Output);
        // No progress bar for one image; nothing on stderr at all.
        Assert.Equal("", run.Error);

        var records = ReadResults(Path.Combine(outFolder, "results.json"));
        var record = Assert.Single(records);
        Assert.Equal("person.png", record.GetProperty("image_id").GetString());
        Assert.Equal(1, record.GetProperty("category_id").GetInt32());
        Assert.Equal([0, 0, 96, 80], Numbers(record.GetProperty("bbox")));
        float[] keypoints = Numbers(record.GetProperty("keypoints"));
        Assert.Equal(16 * 3, keypoints.Length);

        // The same values as the estimator gives in-process for the whole-image box.
        var expected = Assert.Single(TestModel.Estimate(_model, image, boxes: null, flipTest: true));
        AssertKeypoints(expected, keypoints);
        Assert.Equal(expected.Score, record.GetProperty("score").GetSingle(), 1e-4f);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{expected.Keypoints[0].X,9:0.0} {expected.Keypoints[0].Y,9:0.0}"), run.Output);

        string overlay = Path.Combine(outFolder, "person.pose.png");
        var decoded = new ImageLoader().Load(overlay);
        Assert.Equal((96, 80), (decoded.Width, decoded.Height));
    }

    /// <summary>--input-size crops at another size than the model's: the keypoints are the estimator's at that size.</summary>
    [Fact]
    public void Input_size_option_runs_the_model_at_that_size()
    {
        string image = TestImages.WritePng(_temp.Combine("tall.png"), 64, 128);
        string outFolder = _temp.Combine("sized");
        var run = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--threads", "1", "--no-flip", "--input-size", "128x64");
        Assert.True(run.ExitCode == 0, run.ToString());

        var file = HourglassModelFile.Load(_model);
        using var network = file.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions { FlipTest = false, Normalization = file.Normalization, InputSize = (128, 64) });
        var expected = estimator.Estimate(new ImageLoader().Load(image), [PersonBox.WholeImage(64, 128)]);
        var record = Assert.Single(ReadResults(Path.Combine(outFolder, "results.json")));
        AssertKeypoints(expected[0], Numbers(record.GetProperty("keypoints")));

        var bad = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--input-size", "100x64");
        HourglassCli.AssertFails(bad, "--input-size 100x64: input size 100x64 is not supported");
    }

    /// <summary>--scales runs the multi-scale test: the keypoints are the estimator's with those scales, the summary names them.</summary>
    [Fact]
    public void Scales_option_runs_the_multi_scale_test()
    {
        string image = TestImages.WritePng(_temp.Combine("zoom.png"), 96, 80, seed: 5);
        string outFolder = _temp.Combine("scales");
        var run = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--threads", "1", "--scales", "0.75,1,1.25");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("zoom.png: 1 person (flip test on, scales 0.75,1,1.25)", run.Output);

        var expected = Assert.Single(TestModel.Estimate(_model, image, boxes: null, flipTest: true, scales: [0.75f, 1f, 1.25f]));
        var record = Assert.Single(ReadResults(Path.Combine(outFolder, "results.json")));
        AssertKeypoints(expected, Numbers(record.GetProperty("keypoints")));

        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--scales", "0.1,1"),
            "--scales 0.1,1: scale 0.1 is not between 0.25 and 4");
    }

    /// <summary>
    /// --refinement Taylor decodes with DARK's rule: the keypoints are the estimator's with that rule (and not all the
    /// quarter offset's), the summary names it, and an unknown rule fails with one line.
    /// </summary>
    [Fact]
    public void Refinement_option_sets_the_sub_pixel_rule()
    {
        string image = TestImages.WritePng(_temp.Combine("refine.png"), 96, 80, seed: 5);
        string outFolder = _temp.Combine("refine");
        var run = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--threads", "1", "--refinement", "taylor");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("refine.png: 1 person (flip test on, Taylor refinement)", run.Output);

        var expected = Assert.Single(TestModel.Estimate(_model, image, boxes: null, flipTest: true, refinement: PeakRefinement.Taylor));
        var quarter = Assert.Single(TestModel.Estimate(_model, image, boxes: null, flipTest: true));
        Assert.Contains(Enumerable.Range(0, expected.Keypoints.Count), j => expected.Keypoints[j].X != quarter.Keypoints[j].X);
        var record = Assert.Single(ReadResults(Path.Combine(outFolder, "results.json")));
        AssertKeypoints(expected, Numbers(record.GetProperty("keypoints")));

        HourglassCli.AssertFails(HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--refinement", "dark"),
            "--refinement");
    }

    /// <summary>A huge box (--box=0,0,1e30,1e30) once crashed the results writer and left "[" in results.json.</summary>
    [Fact]
    public void A_huge_box_gives_a_complete_results_file()
    {
        string image = TestImages.WritePng(_temp.Combine("huge.png"), 64, 64);
        string outFolder = _temp.Combine("huge-out");
        var run = HourglassCli.Run("infer", "--model", _model, image, "--out", outFolder, "--threads", "1", "--no-flip", "--box=0,0,1e30,1e30");
        Assert.True(run.ExitCode == 0, run.ToString());
        var record = Assert.Single(ReadResults(Path.Combine(outFolder, "results.json")));
        Assert.Equal(1e30, Numbers(record.GetProperty("bbox"))[2], 1e24);
    }

    [Fact]
    public void Folder_with_a_bad_file_processes_the_good_ones_reports_the_bad_one_and_exits_2()
    {
        string folder = _temp.Folder("photos");
        TestImages.WritePng(Path.Combine(folder, "a.png"), 64, 96, seed: 1);
        TestImages.WriteJpeg(Path.Combine(folder, "b.jpg"), 120, 90, seed: 2);
        TestImages.WriteBroken(Path.Combine(folder, "broken.png"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image extension: ignored");

        // No --out: the overlays go next to the input folder.
        var run = HourglassCli.Run("infer", "--model", _model, folder, "--threads", "1", "--no-flip");

        Assert.True(run.ExitCode == 2, run.ToString());
        string outFolder = _temp.Combine("photos-poses");
        Assert.Contains("2 of 3 images done, 2 people (flip test off", run.Output);
        Assert.Contains(outFolder, run.Output);
        var errorLines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(errorLines, l => l.StartsWith("skipped: broken.png: ", StringComparison.Ordinal));
        Assert.Contains("1 of 3 images could not be read: broken.png", run.Error);
        Assert.Contains("3/3 images", run.Error); // plain progress lines, stderr being redirected
        Assert.DoesNotContain("\r", run.Error);
        Assert.DoesNotContain("Exception", run.Error);

        var records = ReadResults(Path.Combine(outFolder, "results.json"));
        Assert.Equal(["a.png", "b.jpg"], records.Select(r => r.GetProperty("image_id").GetString()));
        Assert.All(records, r => Assert.Equal(48, r.GetProperty("keypoints").GetArrayLength()));
        Assert.Equal((64, 96), Size(Path.Combine(outFolder, "a.pose.png")));
        Assert.Equal((120, 90), Size(Path.Combine(outFolder, "b.pose.jpg")));
        Assert.False(File.Exists(Path.Combine(outFolder, "broken.pose.png")));

        var expected = Assert.Single(TestModel.Estimate(_model, Path.Combine(folder, "b.jpg"), boxes: null, flipTest: false));
        AssertKeypoints(expected, Numbers(records[1].GetProperty("keypoints")));
    }

    [Fact]
    public void Two_box_options_give_two_poses_from_one_batch()
    {
        string image = TestImages.WriteJpeg(_temp.Combine("group.jpg"), 160, 100, seed: 3);
        string json = _temp.Combine("poses", "group.json");

        var run = HourglassCli.Run("infer", "--model", _model, image, "--box", "10,5,60,90", "--box", "90.5,10,50,85",
            "--out", _temp.Combine("overlays"), "--json", json, "--threads", "1", "--draw-boxes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("group.jpg: 2 people", run.Output);
        Assert.Contains("person 1: box x=10 y=5 w=60 h=90", run.Output);
        Assert.Contains("person 2: box x=90.5 y=10 w=50 h=85", run.Output);
        var records = ReadResults(json);
        Assert.Equal(2, records.Count);
        Assert.Equal([10, 5, 60, 90], Numbers(records[0].GetProperty("bbox")));
        Assert.Equal([90.5f, 10, 50, 85], Numbers(records[1].GetProperty("bbox")));

        var expected = TestModel.Estimate(_model, image, [PersonBox.FromRectangle(10, 5, 60, 90), PersonBox.FromRectangle(90.5f, 10, 50, 85)], flipTest: true);
        AssertKeypoints(expected[0], Numbers(records[0].GetProperty("keypoints")));
        AssertKeypoints(expected[1], Numbers(records[1].GetProperty("keypoints")));
        Assert.Equal((160, 100), Size(_temp.Combine("overlays", "group.pose.jpg")));
    }

    [Fact]
    public void Boxes_file_maps_file_names_to_boxes_and_infer_results_can_be_fed_back()
    {
        string folder = _temp.Folder("set");
        TestImages.WritePng(Path.Combine(folder, "one.png"), 100, 100, seed: 4);
        TestImages.WritePng(Path.Combine(folder, "two.png"), 80, 120, seed: 5);
        TestImages.WritePng(Path.Combine(folder, "three.png"), 90, 90, seed: 6);
        string boxes = _temp.Combine("boxes.json");
        File.WriteAllText(boxes, """
            {
              "one.png": [[5, 5, 40, 80], [50, 10, 45, 85]],
              "two.png": [],
              "elsewhere.png": [[0, 0, 10, 10]]
            }
            """);

        var run = HourglassCli.Run("infer", "--model", _model, folder, "--boxes", boxes, "--out", _temp.Combine("first"), "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("warning: 1 entry of the boxes file match no input image: elsewhere.png", run.Error);
        var records = ReadResults(_temp.Combine("first", "results.json"));
        // one.png: its two boxes; two.png: an empty list means nobody; three.png: not listed, so the whole image.
        Assert.Equal(["one.png", "one.png", "three.png"], records.Select(r => r.GetProperty("image_id").GetString()));
        Assert.Equal([50, 10, 45, 85], Numbers(records[1].GetProperty("bbox")));
        Assert.Equal([0, 0, 90, 90], Numbers(records[2].GetProperty("bbox")));
        Assert.True(File.Exists(_temp.Combine("first", "two.pose.png")));

        // The results file is itself a valid boxes file (array form, image_id = file name): the same people again.
        // two.png had nobody, so it is not in it, and an image the boxes file does not list is estimated on the whole image.
        var again = HourglassCli.Run("infer", "--model", _model, folder, "--boxes", _temp.Combine("first", "results.json"), "--out", _temp.Combine("second"), "--threads", "1");
        Assert.True(again.ExitCode == 0, again.ToString());
        var second = ReadResults(_temp.Combine("second", "results.json"));
        Assert.Equal(["one.png", "one.png", "three.png", "two.png"], second.Select(r => r.GetProperty("image_id").GetString()));
        Assert.Equal(records.Select(r => r.GetProperty("bbox").GetRawText()), second.Take(3).Select(r => r.GetProperty("bbox").GetRawText()));
        // Given boxes come back identical; three.png's whole-image rectangle is now a given box, padded like any other.
        Assert.Equal(records.Take(2).Select(r => r.GetRawText()), second.Take(2).Select(r => r.GetRawText()));
        Assert.Equal([0, 0, 80, 120], Numbers(second[3].GetProperty("bbox")));
    }

    [Fact]
    public void Overlay_names_stay_unique_when_two_inputs_share_a_stem()
    {
        string folder = _temp.Folder("same");
        TestImages.WriteBmp(Path.Combine(folder, "a.bmp"), 64, 64, seed: 1);
        TestImages.WritePng(Path.Combine(folder, "a.png"), 64, 64, seed: 2);

        var run = HourglassCli.Run("infer", "--model", _model, folder, "--out", _temp.Combine("o"), "--threads", "1", "--no-flip");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_temp.Combine("o", "a.pose.png")));
        Assert.True(File.Exists(_temp.Combine("o", "a.png.pose.png")));
    }

    [Fact]
    public void Single_unreadable_image_is_reported_with_exit_code_2_and_empty_results()
    {
        string broken = TestImages.WriteBroken(_temp.Combine("broken.jpg"));

        var run = HourglassCli.Run("infer", "--model", _model, broken, "--out", _temp.Combine("o"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("skipped: broken.jpg: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("1 of 1 image could not be read: broken.jpg", run.Error);
        Assert.Empty(ReadResults(_temp.Combine("o", "results.json")));
    }

    private static List<JsonElement> ReadResults(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static float[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetSingle())];

    private static (int, int) Size(string path)
    {
        var image = new ImageLoader().Load(path);
        return (image.Width, image.Height);
    }

    // The JSON rounds coordinates to 0.01 px and confidences to 1e-4.
    private static void AssertKeypoints(PoseResult expected, float[] flat)
    {
        Assert.Equal(expected.Keypoints.Count * 3, flat.Length);
        for (int j = 0; j < expected.Keypoints.Count; j++)
        {
            var k = expected.Keypoints[j];
            Assert.True(Math.Abs(k.X - flat[3 * j]) <= 0.0051f, $"{k.Name} x: {k.X} vs {flat[3 * j]}");
            Assert.True(Math.Abs(k.Y - flat[3 * j + 1]) <= 0.0051f, $"{k.Name} y: {k.Y} vs {flat[3 * j + 1]}");
            Assert.True(Math.Abs(k.Confidence - flat[3 * j + 2]) <= 0.00006f, $"{k.Name} confidence: {k.Confidence} vs {flat[3 * j + 2]}");
        }
    }
}

using System.Text.Json;
using HourglassSimd.Cli.Tests.Support;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// infer and eval take the model's input normalization and joint layout from its file, as the embedding API does; a
/// version-1 file (no joint names) gets a one-line note.
/// </summary>
public sealed class ModelMetadataCliTests : IDisposable
{
    private static readonly PersonBox Box = PersonBox.FromRectangle(40, 20, 120, 300);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteModel(string name, InputNormalization? normalization = null, JointLayout? layout = null)
    {
        string path = _temp.Combine(name);
        new HourglassModelFile(TestModel.Architecture, HourglassWeights.CreateRandom(TestModel.Architecture, seed: 7), normalization, "metadata tests", layout)
            .Save(path);
        return path;
    }

    /// <summary>What the README's embedding snippet does: load, a default estimator, one box.</summary>
    private static PoseResult EmbeddingApi(string model, string photo, PoseEstimatorOptions? options = null)
    {
        using var net = HourglassNetwork.Load(model, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var estimator = options is null ? new PoseEstimator(net) : new PoseEstimator(net, options);
        return estimator.Estimate(new ImageLoader().Load(photo), [Box])[0];
    }

    private static float[] InferKeypoints(CliRun run, string resultsPath)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(File.ReadAllText(resultsPath));
        var record = Assert.Single(document.RootElement.EnumerateArray());
        return [.. record.GetProperty("keypoints").EnumerateArray().Select(v => v.GetSingle())];
    }

    private static bool SameKeypoints(PoseResult pose, float[] flat, float tolerance) =>
        pose.Keypoints.Select((k, j) => Math.Abs(k.X - flat[3 * j]) <= tolerance && Math.Abs(k.Y - flat[3 * j + 1]) <= tolerance).All(ok => ok);

    [Fact]
    public void A_bp_model_gives_the_same_keypoints_through_the_embedding_api_as_through_infer()
    {
        string model = WriteModel("bp.hgw", InputNormalization.MeanSubtracted);
        string photo = TestImages.WriteJpeg(_temp.Combine("photo.jpg"), 200, 340, seed: 3);
        string results = _temp.Combine("out", "results.json");

        var run = HourglassCli.Run("infer", "--model", model, photo, "--box", "40,20,120,300", "--out", _temp.Combine("out"), "--threads", "1");
        float[] cli = InferKeypoints(run, results);

        var embedded = EmbeddingApi(model, photo);
        Assert.Equal(16 * 3, cli.Length);
        // results.json rounds coordinates to 0.01 px.
        Assert.True(SameKeypoints(embedded, cli, 0.0051f), $"embedding API {string.Join(", ", embedded.Keypoints)}\ninfer {string.Join(", ", cli)}");

        // Had either used pixel / 255, the keypoints would differ: the comparison above can fail.
        var pixelOver255 = EmbeddingApi(model, photo, new PoseEstimatorOptions { Normalization = InputNormalization.Default });
        Assert.False(SameKeypoints(pixelOver255, cli, 0.0051f), "pixel / 255 gives the same keypoints; the test model does not tell the normalizations apart");
    }

    [Fact]
    public void Infer_names_the_joints_as_the_model_s_layout_does()
    {
        var layout = new JointLayout("parts", [.. Enumerable.Range(0, 16).Select(i => $"part_{i:00}")], JointLayout.Mpii16.FlipPairs, JointLayout.Mpii16.Skeleton);
        string model = WriteModel("parts.hgw", layout: layout);
        string image = TestImages.WritePng(_temp.Combine("person.png"), 96, 80);

        var run = HourglassCli.Run("infer", "--model", model, image, "--out", _temp.Combine("out"), "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string joint in layout.Names)
            Assert.Contains($"  {joint} ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("right_ankle", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Infer_notes_that_a_version_1_model_has_no_joint_names_and_assumes_mpii()
    {
        string model = _temp.Combine("v1.hgw");
        File.WriteAllBytes(model, ModelFileBytes.AsVersion1(File.ReadAllBytes(WriteModel("v2.hgw"))));
        string image = TestImages.WritePng(_temp.Combine("person.png"), 96, 80);

        var run = HourglassCli.Run("infer", "--model", model, image, "--out", _temp.Combine("out"), "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("note: model file version 1 has no joint names; assuming mpii16 (16 joints)", run.Error.Trim());
        Assert.Contains("  left_wrist ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_of_a_version_2_model_with_an_assumed_layout_prints_no_note()
    {
        string image = TestImages.WritePng(_temp.Combine("person.png"), 96, 80);
        var run = HourglassCli.Run("infer", "--model", WriteModel("v2.hgw"), image, "--out", _temp.Combine("out"), "--threads", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Assert.True(HourglassModelFile.Load(_temp.Combine("v2.hgw")).JointLayoutAssumed);
    }

    [Fact]
    public void Infer_rejects_a_model_with_a_malformed_layout_in_one_line()
    {
        string model = _temp.Combine("bad.hgw");
        byte[] bytes = ModelFileBytes.Rewrite(File.ReadAllBytes(WriteModel("v2.hgw")),
            header => header["jointLayout"]!["joints"]![3] = "right_ankle");
        File.WriteAllBytes(model, bytes);
        string image = TestImages.WritePng(_temp.Combine("person.png"), 96, 80);

        var run = HourglassCli.Run("infer", "--model", model, image, "--out", _temp.Combine("out"));

        HourglassCli.AssertFails(run, "'jointLayout'.joints names 'right_ankle' twice");
    }

    [Fact]
    public void Eval_notes_a_version_1_model_too()
    {
        string images = _temp.Folder("images");
        TestImages.WritePng(Path.Combine(images, "a.png"), 96, 120);
        string v2 = WriteModel("v2.hgw");
        string annotations = _temp.Combine("annotations.json");
        EvalFixture.WriteAnnotations(annotations, v2, images,
            [new EvalFixture.Person("a.png", 48, 60, 0.5f, EvalFixture.Joints(_ => JointTruth.Exact))], flipTest: false);
        string model = _temp.Combine("v1.hgw");
        File.WriteAllBytes(model, ModelFileBytes.AsVersion1(File.ReadAllBytes(v2)));

        var run = HourglassCli.Run("eval", "--model", model, "--annotations", annotations, "--images", images, "--threads", "1", "--no-flip");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("note: model file version 1 has no joint names; assuming mpii16 (16 joints)", run.Error.Trim());
        Assert.Contains("PCKh@0.5", run.Output, StringComparison.Ordinal);
    }
}

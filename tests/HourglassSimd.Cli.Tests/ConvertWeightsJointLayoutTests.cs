using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary><c>convert-weights --joints-layout</c>: the layout stored in the model, the guess when it is not given, and its errors.</summary>
public sealed class ConvertWeightsJointLayoutTests : IDisposable
{
    private static readonly HourglassArchitecture Small = new(1, 16, 16, 64, 64);

    private readonly TempFolder _temp = new();
    private readonly string _checkpoint;
    private readonly string _model;

    public ConvertWeightsJointLayoutTests()
    {
        _checkpoint = _temp.File("small.dat");
        File.WriteAllBytes(_checkpoint, SyntheticCheckpoints.TorchSharpBytes(SyntheticCheckpoints.Tensors(Small)));
        _model = _temp.File("small.hgw");
    }

    public void Dispose() => _temp.Dispose();

    private CliRun Convert(params string[] more) =>
        HourglassCli.Run(["convert-weights", "--checkpoint", _checkpoint, "--out", _model, "--input-size", "64", .. more]);

    [Fact]
    public void Without_the_option_the_layout_is_guessed_and_recorded_as_assumed()
    {
        var run = Convert();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("joint layout   mpii16 (16 joints) (assumed from the joint count; state it with --joints-layout)", run.Output, StringComparison.Ordinal);

        var model = HourglassModelFile.Load(_model);
        Assert.True(model.JointLayoutAssumed);
        Assert.Equal(JointLayout.Mpii16.Names, model.JointLayout.Names);
    }

    [Theory]
    [InlineData("mpii")]
    [InlineData("MPII16")]
    public void A_named_layout_is_stored_as_stated(string option)
    {
        var run = Convert("--joints-layout", option);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("joint layout   mpii16 (16 joints)\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var model = HourglassModelFile.Load(_model);
        Assert.False(model.JointLayoutAssumed);
        Assert.Equal(JointLayout.Mpii16.Names, model.JointLayout.Names);
        Assert.Equal(JointLayout.Mpii16.FlipPairs, model.JointLayout.FlipPairs);
    }

    [Fact]
    public void A_layout_file_is_stored_with_its_names_pairs_and_edges()
    {
        string[] names = [.. Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? $"left_part{i / 2}" : $"right_part{i / 2}")];
        string layoutFile = _temp.File("parts.json");
        File.WriteAllText(layoutFile, $$"""
            {
              "name": "parts",
              "joints": [{{string.Join(", ", names.Select(n => $"\"{n}\""))}}],
              "flipPairs": [[0, 1], [2, 3]],
              "skeleton": [[0, 2], [1, 3], [14, 15]]
            }
            """);

        var run = Convert("--joints-layout", layoutFile);
        Assert.True(run.ExitCode == 0, run.ToString());

        var model = HourglassModelFile.Load(_model);
        Assert.False(model.JointLayoutAssumed);
        Assert.Equal("parts", model.JointLayout.Name);
        Assert.Equal(names, model.JointLayout.Names);
        Assert.Equal([new JointPair(0, 1), new JointPair(2, 3)], model.JointLayout.FlipPairs);
        Assert.Equal([new JointPair(0, 2), new JointPair(1, 3), new JointPair(14, 15)], model.JointLayout.Skeleton);
        Assert.Equal(JointSide.Left, model.JointLayout.Sides[0]);
        Assert.Equal(JointSide.Right, model.JointLayout.Sides[1]);
    }

    [Fact]
    public void A_layout_file_without_a_name_is_named_after_the_file()
    {
        string layoutFile = _temp.File("my-layout.json");
        File.WriteAllText(layoutFile, $"{{\"joints\": [{string.Join(", ", Enumerable.Range(0, 16).Select(i => $"\"j{i}\""))}]}}");
        var run = Convert("--joints-layout", layoutFile);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("my-layout", HourglassModelFile.Load(_model).JointLayout.Name);
    }

    [Fact]
    public void Layout_errors_are_one_line_and_write_nothing()
    {
        HourglassCli.AssertFails(Convert("--joints-layout", "coco"), "joint layout coco17 has 17 joints but the checkpoint has 16 heatmaps per stack");
        HourglassCli.AssertFails(Convert("--joints-layout", "h36m"), "--joints-layout 'h36m' is neither mpii nor coco nor an existing JSON layout file");

        string file = _temp.File("bad.json");
        File.WriteAllText(file, "{\"joints\": [\"a\", \"b\"], \"flipPairs\": [[0, 2]]}");
        HourglassCli.AssertFails(Convert("--joints-layout", file), "the layout.flipPairs[0] names joint 2, outside 0..1");

        File.WriteAllText(file, "{\"joints\": [\"a\", \"a\"]}");
        HourglassCli.AssertFails(Convert("--joints-layout", file), "names 'a' twice");

        File.WriteAllText(file, "{\"joints\": [\"a\", \"b\"], \"assumed\": true}");
        HourglassCli.AssertFails(Convert("--joints-layout", file), "unknown property 'assumed'");

        File.WriteAllText(file, "{\"joints\": [\"a\",");
        HourglassCli.AssertFails(Convert("--joints-layout", file), "bad.json: not valid JSON");

        File.WriteAllText(file, "{\"joints\": [\"a\", \"b\"]}");
        HourglassCli.AssertFails(Convert("--joints-layout", file), "joint layout bad has 2 joints but the checkpoint has 16 heatmaps per stack");
        Assert.False(File.Exists(_model));
    }
}

using System.Text.Json;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>The shipped demo model and samples: the README's main command, and eval and bench without a model path.</summary>
public sealed class ShippedModelTests
{
    private static string Samples => Path.Combine(RepositoryPaths.Root, "models", "samples");

    [Fact]
    public void Infer_without_a_model_poses_the_sample_people_with_the_shipped_model()
    {
        using var output = new TempFolder();
        var run = HourglassCli.Run("infer", Samples, "--boxes", Path.Combine(Samples, "boxes.json"), "--out", output.Path, "--progress", "None");
        Assert.True(run.ExitCode == 0, run.ToString());

        var images = Directory.GetFiles(Samples, "*.png");
        Assert.Equal(8, images.Length);
        foreach (var image in images)
            Assert.True(File.Exists(Path.Combine(output.Path, Path.GetFileNameWithoutExtension(image) + ".pose.png")), $"no overlay for {image}");
        using var results = JsonDocument.Parse(File.ReadAllText(output.File("results.json")));
        int people = JsonDocument.Parse(File.ReadAllText(Path.Combine(Samples, "boxes.json"))).RootElement.EnumerateObject().Sum(p => p.Value.GetArrayLength());
        Assert.Equal(people, results.RootElement.GetArrayLength());
        Assert.All(results.RootElement.EnumerateArray(), person => Assert.Equal(16 * 3, person.GetProperty("keypoints").GetArrayLength()));
    }

    [Fact]
    public void Eval_without_a_model_scores_the_shipped_model_on_the_sample_annotations()
    {
        var run = HourglassCli.Run("eval", "--annotations", Path.Combine(Samples, "annotations.json"), "--images", Samples, "--progress", "None");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("PCKh@0.5: 12 people in 8 images", run.Output);
    }

    [Fact]
    public void A_bare_bench_model_option_times_the_shipped_model()
    {
        var run = HourglassCli.Run("bench", "--model", "--runs", "1", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("hourglass-demo.hgw", run.Output);
    }
}

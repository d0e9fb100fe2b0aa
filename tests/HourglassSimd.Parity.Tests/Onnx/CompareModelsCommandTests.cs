using System.Text.Json;
using HourglassSimd.Benchmarks.Comparison;
using HourglassSimd.Datasets;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Parity.Tests;

/// <summary><c>compare-models</c>: several models timed side by side on both engines, with their counts.</summary>
public sealed class CompareModelsCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_model_gets_its_counts_and_both_engines_timings_and_the_first_is_the_baseline()
    {
        var full = new HourglassArchitecture(1, 16, 16, 64, 64);
        var narrow = full with { StemChannels = 8, Widths = new ResidualWidths([new("pre.1", 5), new("hgs.0.0.low1", 3)]) };
        string a = Save(full, "full.hgw"), b = Save(narrow, "narrow.hgw"), json = _temp.File("models.json");

        int exit = CompareModelsCommand.Create().Parse(["--model", a, "--model", b, "--threads", "1", "--runs", "2", "--json", json]).Invoke();

        Assert.Equal(0, exit);
        var records = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["full.hgw", "narrow.hgw"], records.Select(r => r.GetProperty("model").GetString()));
        Assert.Equal([full.MacCount, narrow.MacCount], records.Select(r => r.GetProperty("macs").GetInt64()));
        Assert.Equal([full.ParameterCount, narrow.ParameterCount], records.Select(r => r.GetProperty("parameters").GetInt64()));
        Assert.Equal(new FileInfo(b).Length, records[1].GetProperty("file_bytes").GetInt64());
        Assert.Equal(1.0, records[0].GetProperty("speedup_over_first").GetDouble());
        Assert.All(records, r => Assert.True(r.GetProperty("ours_median_ms").GetDouble() > 0 && r.GetProperty("onnxruntime_median_ms").GetDouble() > 0));
    }

    [Fact]
    public void A_model_that_does_not_load_is_one_error_line_and_exit_code_1()
    {
        string missing = _temp.File("missing.hgw");
        Assert.Equal(1, CompareModelsCommand.Create().Parse(["--model", missing, "--runs", "1"]).Invoke());
    }

    [Fact]
    public void With_annotations_each_model_gets_the_PCKh_eval_gives_and_the_plot_is_drawn()
    {
        // Real synthetic people on disk and a random model: the figure must be the one the shared validation loop gives.
        string data = _temp.Folder("people");
        SyntheticPeopleDataset.Write(data, new SyntheticPeopleOptions { TrainPeople = 1, ValidationPeople = 6, ImageSize = 128, Seed = 3 });
        string annotations = Path.Combine(data, "annotations.json"), images = Path.Combine(data, "images");
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64);
        string a = Save(arch, "a.hgw"), json = _temp.File("models.json"), plot = _temp.File("zoo.png");

        int exit = CompareModelsCommand.Create().Parse(["--model", a, "--threads", "1", "--runs", "1", "--no-onnxruntime",
            "--annotations", annotations, "--images", images, "--json", json, "--plot", plot]).Invoke();

        Assert.Equal(0, exit);
        var record = JsonDocument.Parse(File.ReadAllText(json)).RootElement[0];
        var people = MpiiAnnotationReader.ReadFile(annotations).Where(r => r.IsValidation).ToList();
        Assert.Equal(6, people.Count);
        using var network = HourglassModelFile.Load(a).CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions { FlipTest = true });
        double expected = PckhValidation.Evaluate(new PckhEvaluator(), people, images, (image, group) => estimator.Estimate(image, [.. group.Select(g => g.Box)])).Mean;
        Assert.Equal(expected, record.GetProperty("pckh").GetDouble());
        using var png = SixLabors.ImageSharp.Image.Load(plot);
        Assert.Equal((960, 540), (png.Width, png.Height));
    }

    [Theory]
    [InlineData("--plot")]
    [InlineData("--images")]
    public void A_plot_or_images_without_annotations_is_an_error(string option)
    {
        string a = Save(new HourglassArchitecture(1, 16, 16, 64, 64), "a.hgw");
        string value = option == "--plot" ? _temp.File("zoo.png") : _temp.Folder("images");
        Assert.Equal(1, CompareModelsCommand.Create().Parse(["--model", a, "--runs", "1", "--no-onnxruntime", option, value]).Invoke());
        Assert.False(File.Exists(_temp.File("zoo.png")));
    }

    private string Save(HourglassArchitecture arch, string name)
    {
        string path = _temp.File(name);
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 5)).Save(path);
        return path;
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using HourglassSimd.Cli.Tests.Support;
using HourglassSimd.Imaging;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM while a command runs: it stops between items, keeps what it finished, prints one
/// <c>interrupted:</c> line and exits with 130; no partial, empty or temporary file remains. (Before, the process died
/// at once: no results.json, no message, sometimes a 0-byte overlay.)
/// </summary>
public sealed partial class InterruptTests : IDisposable
{
    private const int Images = 30;
    private const int PeoplePerImage = 24; // 48 crops with the flip test: two batches of 32, so an image takes a while
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3); // a limit for a hang, not the expected time (seconds)

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(CliProcess.SigInt)]
    [InlineData(CliProcess.SigTerm)]
    public void Infer_keeps_the_images_done_writes_their_results_and_exits_130(int signal)
    {
        string model = TestModel.Write(_temp.Combine("model.hgw"));
        string images = WriteImages();
        string outFolder = _temp.Combine("out");
        string[] boxes = [.. Enumerable.Range(0, PeoplePerImage).SelectMany(p => new[] { "--box", $"{10 * p},{5 * p},200,400" })];

        using var process = HourglassCli.Start(["infer", "--model", model, images, "--out", outFolder, "--threads", "1", .. boxes]);
        WaitUntil(() => Directory.Exists(outFolder) && Directory.EnumerateFiles(outFolder, "*.pose.png").Any(), process, "the first overlay");
        process.Signal(signal);
        var run = process.WaitForExit(Patience);

        Assert.True(run.ExitCode == 130, run.ToString());
        var summary = InterruptedInfer().Match(run.Error);
        Assert.True(summary.Success, run.ToString());
        int done = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Path.Combine(outFolder, "results.json"), summary.Groups[2].Value);
        Assert.InRange(done, 1, Images - 1);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);

        // results.json lists exactly the images that have an overlay, each with all its people; every overlay is whole.
        var overlays = Directory.EnumerateFiles(outFolder, "*.pose.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(done, overlays.Count);
        using var results = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outFolder, "results.json")));
        var perImage = results.RootElement.EnumerateArray()
            .GroupBy(r => r.GetProperty("image_id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(overlays.Select(o => o!.Replace(".pose.png", ".png")), perImage.Keys.Order(StringComparer.Ordinal));
        Assert.All(perImage.Values, count => Assert.Equal(PeoplePerImage, count));
        var loader = new ImageLoader();
        foreach (string? overlay in overlays)
        {
            var image = loader.Load(Path.Combine(outFolder, overlay!));
            Assert.Equal((640, 480), (image.Width, image.Height));
        }
        AssertNoLeftovers(outFolder);
    }

    [Fact]
    public void Eval_stops_between_images_and_writes_nothing()
    {
        string model = TestModel.Write(_temp.Combine("model.hgw"));
        string images = WriteImages();
        // 24 people on each image, joints anywhere: the figures do not matter, only that each image takes a while.
        var records = new List<string>();
        for (int i = 0; i < Images; i++)
        {
            for (int p = 0; p < PeoplePerImage; p++)
            {
                string joints = string.Join(", ", Enumerable.Range(0, 16).Select(j => $"[{100 + 10 * p + j}, {200 + 5 * j}, 1]"));
                records.Add($"{{\"img_paths\": \"img{i:D2}.png\", \"objpos\": [{100 + 10 * p}, 240], \"scale_provided\": 1.5, " +
                            $"\"joint_self\": [{joints}], \"normalize\": 30, \"isValidation\": 1}}");
            }
        }
        string annotations = _temp.Combine("annotations.json");
        File.WriteAllText(annotations, "[\n" + string.Join(",\n", records) + "\n]\n");
        string json = _temp.Combine("pckh.json"), csv = _temp.Combine("curve.csv");

        using var process = HourglassCli.Start("eval", "--model", model, "--annotations", annotations, "--images", images,
            "--json", json, "--csv", csv, "--threads", "1", "--progress", "Lines");
        // Lines progress: one line at every further 10% of the images, the first at 3/30.
        WaitUntil(() => process.ErrorSoFar.Contains("3/30 images", StringComparison.Ordinal), process, "the first progress line");
        process.Signal(CliProcess.SigInt);
        var run = process.WaitForExit(Patience);

        Assert.True(run.ExitCode == 130, run.ToString());
        var summary = InterruptedEval().Match(run.Error);
        Assert.True(summary.Success, run.ToString());
        Assert.InRange(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 3, Images - 1);
        Assert.Equal("", run.Output); // no PCKh table over part of the set
        Assert.False(File.Exists(json));
        Assert.False(File.Exists(csv));
        Assert.Equal(["annotations.json", "images", "model.hgw"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Demo_data_keeps_the_images_written_and_writes_no_annotations()
    {
        const int requested = 5000; // minutes of work; the run is stopped after its first image
        string images = _temp.Combine("demo", "images");
        using var process = HourglassCli.Start("demo-data", "--out", _temp.Combine("demo"), "--train", requested.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WaitUntil(() => Directory.Exists(images) && Directory.EnumerateFiles(images, "*.png").Any(), process, "the first image");
        process.Signal(CliProcess.SigInt);
        var run = process.WaitForExit(Patience);

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Equal($"interrupted: the images written to {images} are complete; annotations.json not written", run.Error.Trim());
        Assert.False(File.Exists(_temp.Combine("demo", "annotations.json")));
        var written = Directory.GetFiles(images);
        Assert.InRange(written.Length, 1, requested - 1);
        var loader = new ImageLoader();
        Assert.All(written, file => Assert.Equal(96, loader.Load(file).Width));
        AssertNoLeftovers(_temp.Combine("demo"));
    }

    // 640x480 PNGs img00.png ... img29.png: decoding (and for infer drawing and encoding) each one takes a while, so a
    // run is far from done when its first image is. One file written, the others copied (faster).
    private string WriteImages()
    {
        string images = _temp.Folder("images");
        string first = TestImages.WritePng(Path.Combine(images, "img00.png"), 640, 480);
        for (int i = 1; i < Images; i++)
            File.Copy(first, Path.Combine(images, $"img{i:D2}.png"));
        return images;
    }

    // No temporary file (hidden .name.random.tmp from the atomic writes) and no empty file anywhere under the folder.
    private static void AssertNoLeftovers(string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, file =>
        {
            Assert.False(Path.GetFileName(file).StartsWith('.') || file.EndsWith(".tmp", StringComparison.Ordinal), $"left behind: {file}");
            Assert.True(new FileInfo(file).Length > 0, $"empty file: {file}");
        });
    }

    private static void WaitUntil(Func<bool> condition, CliProcess process, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            // Exited before the signal: the run was too quick to interrupt, and the test would check nothing.
            if (process.HasExited)
                Assert.Fail($"hourglass exited before {what} appeared:\n{process.WaitForExit(Patience)}");
            if (clock.Elapsed > Patience)
                Assert.Fail($"{what} did not appear within {Patience.TotalSeconds:F0} s; stderr so far:\n{process.ErrorSoFar}");
            Thread.Sleep(5);
        }
    }

    [GeneratedRegex(@"^interrupted: (\d+) of 30 images done, (.+) written$", RegexOptions.Multiline)]
    private static partial Regex InterruptedInfer();

    [GeneratedRegex(@"^interrupted: (\d+) of 30 images done; no PCKh computed, nothing written$", RegexOptions.Multiline)]
    private static partial Regex InterruptedEval();
}

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace HourglassSimd.Training.Tests;

/// <summary><c>hourglass-train --plot-log</c>, run as a process the way a user runs it.</summary>
public sealed class LossPlotCliTests(ITestOutputHelper output)
{
    [Fact]
    public void PlotLog_ShippedLog_WritesThePngAndTheCsv()
    {
        string folder = Path.GetDirectoryName(TrainingLogs.Write("", "x"))!;
        string png = Path.Combine(folder, "plots", "loss.png"), csv = Path.Combine(folder, "loss.csv");
        TrainerRun run = TrainerProcess.Run(null, "--plot-log", TrainingLogs.Shipped, "--plot-out", png, "--plot-csv", csv);
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{png}: 960x540, 425 block means and 17 epoch losses from {TrainingLogs.Shipped}; losses in {csv}", run.Output.Trim());
        Assert.Equal("", run.Error);
        using Image<Rgb24> image = Image.Load<Rgb24>(png);
        Assert.Equal((960, 540), (image.Width, image.Height));
        Assert.Equal(TrainingLogParser.ParseFile(TrainingLogs.Shipped).Records, LossCsv.Read(csv).Records);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));

        // The same plot as the library draws.
        var plot = new LossPlot(TrainingLogParser.ParseFile(TrainingLogs.Shipped), "Training loss: train.log");
        using Image<Rgb24> expected = Image.LoadPixelData<Rgb24>(plot.Render().Pixels, plot.Width, plot.Height);
        Assert.True(SamePixels(expected, image));
    }

    [Fact]
    public void PlotLog_ConcatenatedLogsOfAResumedRun()
    {
        string log = TrainingLogs.Write(TrainingLogs.Resumed);
        string png = Path.ChangeExtension(log, ".png");
        TrainerRun run = TrainerProcess.Run(null, "--plot-log", log, "--plot-out", png);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(": 960x540, 12 block means and 4 epoch losses from ", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(png));
    }

    [Fact]
    public void PlotLog_MissingEmptyOrUnreadableLog_FailsWithOneLine()
    {
        string missing = Path.Combine(Path.GetTempPath(), "hg-no-such-" + Guid.NewGuid().ToString("N") + ".log");
        string empty = TrainingLogs.Write("");
        string unreadable = TrainingLogs.Write($"{TrainingLogs.Header}\n  epoch 1 step 2/6  loss 0.2\n  epoch 1 step four/6  loss 0.1\n");
        string noLosses = TrainingLogs.Write("error: --annotations is required\n");

        Expect(2, $"error: log file '{missing}' does not exist", "--plot-log", missing, "--plot-out", missing + ".png");
        Expect(1, $"error: log file '{empty}' is empty", "--plot-log", empty, "--plot-out", empty + ".png");
        Expect(1, $"error: log file '{unreadable}' line 3 starts like a loss line but cannot be read: 'epoch 1 step four/6  loss 0.1'",
            "--plot-log", unreadable, "--plot-out", unreadable + ".png");
        Expect(1, $"error: log file '{noLosses}' has no loss lines: ", "--plot-log", noLosses, "--plot-out", noLosses + ".png");
        Assert.False(File.Exists(unreadable + ".png"));
    }

    [Fact]
    public void PlotOptions_Misused_AreUsageErrors()
    {
        string log = TrainingLogs.Shipped;
        Expect(2, "error: --plot-log needs --plot-out PNG", "--plot-log", log);
        Expect(2, "error: --plot-out needs --plot-log", "--plot-out", "a.png");
        Expect(2, "error: --plot-out must name a .png file, got 'a.jpg'", "--plot-log", log, "--plot-out", "a.jpg");
        Expect(2, "error: --plot-log cannot be combined with --self-check", "--plot-log", log, "--plot-out", "a.png", "--self-check");
    }

    private void Expect(int exitCode, string errorStart, params string[] arguments)
    {
        TrainerRun run = TrainerProcess.Run(null, arguments);
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == exitCode, run.ToString());
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith(errorStart, lines[0], StringComparison.Ordinal);
        string[] rest = exitCode == 2 ? ["run with --help for the options"] : [];
        Assert.Equal(rest, lines.Skip(1));
        Assert.Equal("", run.Output);
    }

    private static bool SamePixels(Image<Rgb24> a, Image<Rgb24> b)
    {
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                if (a[x, y] != b[x, y])
                {
                    return false;
                }
            }
        }

        return true;
    }
}

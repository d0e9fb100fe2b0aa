using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace HourglassSimd.Training.Tests;

/// <summary>The trainer's loss.csv and loss.png, written into --out after each epoch.</summary>
public sealed class TrainerLossCurveTests(TinyPoseDataset data, ITestOutputHelper output) : IClassFixture<TinyPoseDataset>
{
    private TrainingOptions SmallRun(string outputFolder, int epochs) =>
        data.SmallRun(outputFolder, epochs) with { LogEvery = 1, Augment = false };

    [Fact]
    public void Training_WritesTheLossCurveAfterEachEpoch_FromWhatItLogged_AndAResumedRunFromItsFirstEpoch()
    {
        string folder = data.NewFolder("loss-curve");
        string csv = Path.Combine(folder, Trainer.LossCsvFileName), png = Path.Combine(folder, Trainer.LossPlotFileName);
        var log = new StringWriter();
        IReadOnlyList<EpochSummary> epochs;
        LossHistory history;
        using (var trainer = new Trainer(SmallRun(folder, epochs: 2), log))
        {
            epochs = trainer.Run();
            history = trainer.History;
        }

        output.WriteLine(log.ToString());
        int steps = TinyPoseDataset.TrainCount / 2;
        Assert.Equal(2 * steps, history.OfKind(LossKind.Block).Count());
        Assert.Equal(epochs.Select(e => e.TrainLoss), history.OfKind(LossKind.Train).Select(r => r.Value));
        Assert.Equal(epochs.Select(e => e.ValidationLoss!.Value), history.OfKind(LossKind.Validation).Select(r => r.Value));

        // loss.csv holds the run's history exactly; the log holds the same records to its 6 decimals.
        Assert.Equal(history.Records, LossCsv.Read(csv).Records);
        LossRecord[] parsed = TrainingLogParser.Parse(log.ToString()).Records.ToArray();
        Assert.Equal(history.Records.Select(r => r with { Value = 0 }), parsed.Select(r => r with { Value = 0 }));
        Assert.All(parsed.Zip(history.Records), p => Assert.Equal(p.Second.Value, p.First.Value, 6e-7));

        using (Image<Rgb24> image = Image.Load<Rgb24>(png))
        {
            Assert.Equal((LossPlot.DefaultWidth, LossPlot.DefaultHeight), (image.Width, image.Height));
            var plot = new LossPlot(history);
            LossRecord last = history.OfKind(LossKind.Validation).Last();
            Assert.Equal(LossPlot.ValidationColor, image[(int)MathF.Round(plot.X(last.Position)), (int)MathF.Round(plot.Y(last.Value))]);
        }

        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));

        // A resumed run draws what it logs itself: its plot starts at its first epoch.
        using (var resumed = new Trainer(SmallRun(folder, epochs: 3) with { ResumePath = epochs[^1].CheckpointPath }, TextWriter.Null))
        {
            resumed.Run();
        }

        LossHistory third = LossCsv.Read(csv);
        Assert.Equal([3], third.OfKind(LossKind.Train).Select(r => r.Epoch));
        Assert.All(third.Records, r => Assert.Equal(3, r.Epoch));
        Assert.Equal(steps, third.OfKind(LossKind.Block).Count());
    }

    [Fact]
    public void AnUnwritableLossCurve_CostsAWarning_NotTheRun()
    {
        string folder = data.NewFolder("loss-curve-blocked");
        Directory.CreateDirectory(Path.Combine(folder, Trainer.LossPlotFileName)); // a folder where the PNG should go
        var log = new StringWriter();
        using var trainer = new Trainer(SmallRun(folder, epochs: 1) with { LogEvery = 0 }, log);
        Assert.Single(trainer.Run());
        Assert.Contains("warning: the loss curve was not written: ", log.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(TrainingCheckpoint.ModelPath(folder, 1)));
        Assert.Equal(2, LossCsv.Read(Path.Combine(folder, Trainer.LossCsvFileName)).Count); // train and validation of epoch 1
    }
}

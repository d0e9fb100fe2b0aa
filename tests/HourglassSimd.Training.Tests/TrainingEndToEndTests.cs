using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HourglassSimd.Training.Tests;

public sealed class TrainingEndToEndTests(TinyPoseDataset data, ITestOutputHelper output) : IClassFixture<TinyPoseDataset>
{
    private TrainingOptions SmallRun(string outputFolder, int epochs) => data.SmallRun(outputFolder, epochs);

    /// <summary>Trains the first epoch of <paramref name="options"/> (quietly) and returns its checkpoint's path.</summary>
    private static string FirstEpoch(TrainingOptions options)
    {
        using var trainer = new Trainer(options with { Epochs = 1 }, TextWriter.Null);
        return trainer.Run().Single().CheckpointPath;
    }

    [Fact]
    public void Training_LossFalls_WritesCheckpoints_AndCheckpointReloadsIdentically()
    {
        string folder = data.NewFolder("run");
        var log = new StringWriter();
        using var trainer = new Trainer(SmallRun(folder, epochs: 4) with { Augment = false }, log);
        IReadOnlyList<EpochSummary> epochs = trainer.Run();
        output.WriteLine(log.ToString());

        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.Equal(TinyPoseDataset.TrainCount, e.Images));
        // (A NaN training loss stops the trainer with a TrainingException naming the epoch and step.)
        LossAssert.FiniteAndFalling(epochs.Select(e => e.TrainLoss).ToArray());
        LossAssert.Finite(epochs.Select(e => e.ValidationLoss), "validation loss");
        Assert.Contains("epoch 4/4  loss ", log.ToString(), StringComparison.Ordinal);
        Assert.Contains(" images/s ", log.ToString(), StringComparison.Ordinal);

        string checkpoint = TrainingCheckpoint.ModelPath(folder, 4);
        Assert.Equal(checkpoint, epochs[^1].CheckpointPath);
        Assert.True(File.Exists(checkpoint));
        Assert.True(File.Exists(TrainingCheckpoint.ModelPath(folder, 1)));
        Assert.True(File.Exists(Path.Combine(folder, "posenet-epoch-004.optimizer.dat")));
        Assert.False(File.Exists(Path.Combine(folder, "posenet-epoch-003.optimizer.dat"))); // only the newest is kept
        CheckpointMetadata metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpoint))!;
        Assert.Equal(4, metadata.Epoch);
        Assert.Equal(new PoseNetArchitecture(1, 16, 16), metadata.Architecture);

        // A fresh module starts from other weights; after load every tensor (running stats included) is identical.
        manual_seed(12345);
        using var fresh = new PoseNet(new PoseNetArchitecture(1, 16, 16));
        Dictionary<string, Tensor> trained = trainer.Model.state_dict();
        Assert.Contains(fresh.state_dict(), p => !Identical(p.Value, trained[p.Key]));
        fresh.load(checkpoint);
        Dictionary<string, Tensor> loaded = fresh.state_dict();
        Assert.Equal(trained.Keys.Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, Tensor value) in trained)
        {
            Assert.True(Identical(value, loaded[key]), $"tensor {key} differs after reload");
        }

        // The reloaded network computes the same heatmaps.
        trainer.Model.eval();
        fresh.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor input = rand(2, 3, 64, 64);
        Assert.True(Identical(trainer.Model.forward(input), fresh.forward(input)));
    }

    [Fact]
    public void Resume_ContinuesAtTheNextEpoch_WithAugmentation()
    {
        string folder = data.NewFolder("resume");
        string first = FirstEpoch(SmallRun(folder, epochs: 1));

        var log = new StringWriter();
        using var resumed = new Trainer(SmallRun(folder, epochs: 2) with { ResumePath = first }, log);
        EpochSummary second = resumed.Run().Single();
        output.WriteLine(log.ToString());

        Assert.Equal(2, second.Epoch);
        Assert.Contains("optimizer state restored", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("rotate+scale+flip", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("fine-tuning at", log.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(TrainingCheckpoint.ModelPath(folder, 2)));
        LossAssert.Finite([second.TrainLoss, second.ValidationLoss], "training and validation loss of the resumed epoch");
    }

    [Fact]
    public void Resume_AtAnotherInputSize_FineTunesThere_SaysSo_AndRecordsIt()
    {
        string folder = data.NewFolder("resume-size");
        string first = FirstEpoch(SmallRun(folder, epochs: 1));

        var log = new StringWriter();
        using (var resumed = new Trainer(SmallRun(folder, epochs: 2) with { InputSize = 128, ResumePath = first }, log))
        {
            resumed.Run();
        }

        output.WriteLine(log.ToString());
        // No --sigma: each size takes its default (1 at a 64x64 output, so 0.25 at 16x16 and 0.5 at 32x32).
        Assert.Contains("fine-tuning at input 128, sigma 0.5 (the checkpoint was trained at input 64, sigma 0.25)", log.ToString(), StringComparison.Ordinal);
        CheckpointMetadata metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(TrainingCheckpoint.ModelPath(folder, 2)))!;
        Assert.Equal(128, metadata.InputSize);
        Assert.Equal(0.5f, metadata.Sigma);
    }

    [Fact]
    public void Resume_WithAnotherLearningRate_UsesIt_AndSavesIt()
    {
        string folder = data.NewFolder("resume-lr");
        string first = FirstEpoch(SmallRun(folder, epochs: 1) with { LearningRate = 1e-3 });

        var log = new StringWriter();
        using (var resumed = new Trainer(SmallRun(folder, epochs: 2) with { LearningRate = 1e-4, ResumePath = first }, log))
        {
            resumed.Run();
        }

        output.WriteLine(log.ToString());
        Assert.Contains("learning rate 0.0001 (the checkpoint's optimizer had 0.001)", log.ToString(), StringComparison.Ordinal);

        // The optimizer state saved after the resumed epoch carries the new rate, so it was the one in use.
        using var model = new PoseNet(new PoseNetArchitecture(1, 16, 16));
        var optimizer = optim.RMSProp(model.parameters(), lr: 0.5);
        optimizer.load_state_dict(Path.Combine(folder, "posenet-epoch-002.optimizer.dat"));
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(1e-4, g.LearningRate, 12));
    }

    [Fact]
    public void LearningRateSteps_ChangeTheRateAtTheirEpochs_AlsoInAResumedRun()
    {
        string folder = data.NewFolder("lr-steps");
        var schedule = LearningRateSteps.TryParse("2:1e-4,4:2e-5", out _);
        var log = new StringWriter();
        using (var trainer = new Trainer(SmallRun(folder, epochs: 2) with { LearningRate = 1e-3, LearningRateSteps = schedule }, log))
        {
            trainer.Run();
        }

        // A resumed run picks up the schedule at its first epoch (3: still 1e-4), then steps at epoch 4.
        using (var resumed = new Trainer(SmallRun(folder, epochs: 4) with { LearningRate = 1e-3, LearningRateSteps = schedule, ResumePath = TrainingCheckpoint.ModelPath(folder, 2) }, log))
        {
            resumed.Run();
        }

        output.WriteLine(log.ToString());
        Assert.Contains("epoch 2: learning rate 0.0001 (--lr-steps)", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("epoch 4: learning rate 2e-05 (--lr-steps)", log.ToString(), StringComparison.Ordinal);
        // The rate lines do not stop --plot-log from reading the log: all four epochs' losses are there.
        Assert.Equal([1, 2, 3, 4], TrainingLogParser.Parse(log.ToString()).OfKind(LossKind.Train).Select(r => r.Epoch));
        double[] rates = [.. Enumerable.Range(1, 4).Select(e => CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(TrainingCheckpoint.ModelPath(folder, e)))!.LearningRate)];
        Assert.Equal([1e-3, 1e-4, 1e-4, 2e-5], rates);

        // The optimizer state saved after epoch 4 carries the last rate, so it was the one in use.
        using var model = new PoseNet(new PoseNetArchitecture(1, 16, 16));
        var optimizer = optim.RMSProp(model.parameters(), lr: 0.5);
        optimizer.load_state_dict(Path.Combine(folder, "posenet-epoch-004.optimizer.dat"));
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(2e-5, g.LearningRate, 12));
    }

    [Fact]
    public void Training_AtDepth2_RecordsTheDepth_AndResumeChecksIt()
    {
        string folder = data.NewFolder("depth");
        string checkpoint;
        using (var trainer = new Trainer(SmallRun(folder, epochs: 1) with { Depth = 2 }, TextWriter.Null))
        {
            Assert.Equal(2, trainer.Model.Architecture.Depth);
            checkpoint = trainer.Run().Single().CheckpointPath;
        }

        Assert.Equal(new PoseNetArchitecture(1, 16, 16) { Depth = 2 }, CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpoint))!.Architecture);
        // The paper's depth has hgs.0.0.low2.low2.low2.low2.*; depth 2 stops two levels higher.
        using (var model = new PoseNet(new PoseNetArchitecture(1, 16, 16) { Depth = 2 }))
        {
            var keys = model.state_dict().Keys.ToArray();
            Assert.Contains("hgs.0.0.low2.low2.conv1.conv.weight", keys);
            Assert.DoesNotContain(keys, k => k.StartsWith("hgs.0.0.low2.low2.low2.", StringComparison.Ordinal));
        }

        var e = Assert.Throws<TrainingException>(() =>
            new Trainer(SmallRun(folder, epochs: 2) with { ResumePath = checkpoint }, TextWriter.Null));
        Assert.Contains("--depth 2", e.Message, StringComparison.Ordinal);
        using var resumed = new Trainer(SmallRun(folder, epochs: 2) with { Depth = 2, ResumePath = checkpoint }, TextWriter.Null);
        Assert.Equal(2, resumed.Run().Single().Epoch);
    }

    [Fact]
    public void Training_WithDepthwiseBlocks_RecordsTheBlock_AndResumeChecksIt()
    {
        string folder = data.NewFolder("depthwise");
        string checkpoint;
        using (var trainer = new Trainer(SmallRun(folder, epochs: 1) with { Block = ResidualBlock.Depthwise }, TextWriter.Null))
        {
            Assert.Equal(ResidualBlock.Depthwise, trainer.Model.Architecture.Block);
            var keys = trainer.Model.state_dict();
            Assert.Equal([64L, 1, 3, 3], keys["pre.1.conv2.conv.weight"].shape); // the stem's 64→128 residual: 64 wide inside
            Assert.Equal([8L, 1, 3, 3], keys["hgs.0.0.up1.conv2.conv.weight"].shape);
            checkpoint = trainer.Run().Single().CheckpointPath;
        }

        Assert.Contains("\"block\": \"depthwise\"", File.ReadAllText(TrainingCheckpoint.MetadataPath(checkpoint)), StringComparison.Ordinal);
        Assert.Equal(new PoseNetArchitecture(1, 16, 16) { Block = ResidualBlock.Depthwise },
            CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpoint))!.Architecture);

        var e = Assert.Throws<TrainingException>(() =>
            new Trainer(SmallRun(folder, epochs: 2) with { ResumePath = checkpoint }, TextWriter.Null));
        Assert.Contains("--block depthwise", e.Message, StringComparison.Ordinal);
        using var resumed = new Trainer(SmallRun(folder, epochs: 2) with { Block = ResidualBlock.Depthwise, ResumePath = checkpoint }, TextWriter.Null);
        Assert.Equal(2, resumed.Run().Single().Epoch);
    }

    [Fact]
    public void PruneFrom_FineTunesASmallerNetwork_RecordsItsWidths_AndResumes()
    {
        string folder = data.NewFolder("prune");
        string checkpoint = FirstEpoch(SmallRun(folder, epochs: 1));

        string pruned = data.NewFolder("pruned");
        var log = new StringWriter();
        string fineTuned;
        using (var trainer = new Trainer(SmallRun(pruned, epochs: 1) with { PruneFromPath = checkpoint, PruneTargetMacs = 0.5 }, log))
        {
            var widths = trainer.Model.Architecture.Widths;
            Assert.NotNull(widths);
            Assert.Contains("pruned ", log.ToString(), StringComparison.Ordinal);
            fineTuned = trainer.Run().Single().CheckpointPath;
        }

        output.WriteLine(log.ToString());
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(fineTuned))!;
        Assert.NotNull(metadata.ResidualWidths);
        Assert.All(metadata.ResidualWidths, w => Assert.Equal(0, w.Value % CheckpointPruning.WidthMultiple));
        var a = metadata.Architecture;
        var full = new HourglassArchitecture(a.Stacks, a.Features, a.Joints, 64, 64);
        var narrowed = full with { Widths = a.Widths, StemChannels = a.StemChannels };
        Assert.Equal(metadata.StemChannels ?? HourglassArchitecture.DefaultStemChannels, a.StemChannels);
        Assert.True(narrowed.MacCount <= full.MacCount / 2, $"{narrowed.MacCount} of {full.MacCount}");

        using (var reloaded = new PoseNet(a))
        {
            reloaded.load(fineTuned);
            Assert.All(reloaded.named_parameters(), p => Assert.True(p.parameter.isfinite().all().item<bool>(), p.name));
        }
        // A resumed run takes the widths from the metadata.
        using var resumed = new Trainer(SmallRun(pruned, epochs: 2) with { ResumePath = fineTuned, LogEvery = 1 }, log);
        Assert.Equal(a.Widths, resumed.Model.Architecture.Widths);
        Assert.Equal(a.StemChannels, resumed.Model.Architecture.StemChannels);
        try { Assert.Equal(2, resumed.Run().Single().Epoch); } finally { output.WriteLine(log.ToString()); }
    }

    [Fact]
    public void DistillFrom_BlendsTheTeachersLastStack_AndTrainsAStudent()
    {
        string folder = data.NewFolder("teacher");
        string teacher = FirstEpoch(SmallRun(folder, epochs: 1) with { Stacks = 2 });

        // The blend is (1 - w) x ground truth + w x the teacher's last stack in eval mode, computed here independently.
        using (var scope = NewDisposeScope())
        using (var distillation = new HeatmapDistillation(teacher, 0.25, joints: 16, inputSize: 64, CPU))
        using (var reference = new PoseNet(new PoseNetArchitecture(2, 16, 16)))
        {
            reference.load(teacher);
            reference.eval();
            Tensor input = rand(2, 3, 64, 64);
            Tensor truth = rand(2, 16, 16, 16);
            Tensor expected;
            using (no_grad())
            {
                expected = truth * 0.75 + reference.forward(input)[.., 1] * 0.25;
            }

            Tensor blended = distillation.Blend(input, truth);
            Assert.Equal(expected.shape, blended.shape);
            Assert.True(blended.allclose(expected, rtol: 0, atol: 1e-6), "the blended targets differ from the reference blend");
            Assert.False(blended.allclose(truth, rtol: 0, atol: 1e-3), "the teacher's share left the targets unchanged");
        }

        // A narrower one-stack student trains on the blend; its validation loss is against the ground truth.
        var log = new StringWriter();
        // Every step's loss goes to the test output, also when the run throws: the student went NaN at random until
        // libtorch's oneDNN convolutions were turned off (LibTorchOneDnn).
        using (var student = new Trainer(SmallRun(data.NewFolder("student"), epochs: 2) with { Features = 8, DistillFromPath = teacher, LogEvery = 1 }, log))
        {
            IReadOnlyList<EpochSummary> epochs;
            try { epochs = student.Run(); } finally { output.WriteLine(log.ToString()); }
            Assert.Contains($"distilling from {teacher} (--stacks 2 --features 16", log.ToString(), StringComparison.Ordinal);
            Assert.Contains("targets are 0.5 x ground truth + 0.5 x the teacher's last-stack heatmaps", log.ToString(), StringComparison.Ordinal);
            LossAssert.Finite(epochs.Select(e => (double?)e.TrainLoss), "training loss");
            LossAssert.Finite(epochs.Select(e => e.ValidationLoss), "validation loss");
            Assert.Equal(student.Evaluate(TrainingAnnotations.Load(data.AnnotationsPath, 16, BoxAdjustment.Mpii).Where(a => a.IsValidation).ToArray()), epochs[^1].ValidationLoss!.Value, 12);
        }

        // A teacher of another input size is refused with one line.
        var e = Assert.Throws<TrainingException>(() => new Trainer(SmallRun(data.NewFolder("student128"), epochs: 1) with { InputSize = 128, DistillFromPath = teacher }, TextWriter.Null));
        Assert.Equal($"teacher checkpoint '{teacher}' was trained at --input-size 64, the student trains at 128", e.Message);
    }

    [Fact]
    public void Resume_WithOtherArchitecture_FailsWithOneLine()
    {
        string folder = data.NewFolder("mismatch");
        string checkpoint = FirstEpoch(SmallRun(folder, epochs: 1));

        var e = Assert.Throws<TrainingException>(() =>
            new Trainer(SmallRun(folder, epochs: 2) with { Features = 32, ResumePath = checkpoint }, TextWriter.Null));
        Assert.Contains("--features 16", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>Same dtype, same shape, bit-for-bit equal values.</summary>
    private static bool Identical(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }
}

namespace HourglassSimd.Training.Tests;

public sealed class TrainingLogParserTests
{
    [Fact]
    public void ShippedLog_HasEveryBlockAndEpochLine_WithTheirValues()
    {
        LossHistory history = TrainingLogParser.ParseFile(TrainingLogs.Shipped);

        LossRecord[] blocks = history.OfKind(LossKind.Block).ToArray();
        LossRecord[] train = history.OfKind(LossKind.Train).ToArray();
        LossRecord[] validation = history.OfKind(LossKind.Validation).ToArray();
        // 4 epochs at 5e-4; a run resumed from the epoch-4 checkpoint at 1e-4 for epochs 5 and 6 (two runs, their
        // "learning rate" and "resumed from" lines skipped), whose abandoned start of epoch 7 the run resumed from epoch 6
        // at 3e-5 replaces; then epochs 8 to 12 in three runs resumed from epochs 7, 9 and 10, and epochs 13 to 17 in one
        // run resumed from epoch 12 whose --lr-steps note before epoch 16 is skipped: 17 x 1250 steps / 50.
        Assert.Equal(425, blocks.Length);
        Assert.Equal(Enumerable.Range(1, 17), train.Select(r => r.Epoch));
        Assert.Equal(Enumerable.Range(1, 17), validation.Select(r => r.Epoch));
        Assert.Equal(459, history.Count);

        Assert.Equal(new LossRecord(LossKind.Block, 1, 50, 1250, 0.026489), blocks[0]);
        Assert.Equal(new LossRecord(LossKind.Block, 4, 1250, 1250, 0.003453), blocks[99]);
        Assert.Equal(new LossRecord(LossKind.Block, 5, 50, 1250, 0.003312), blocks[100]);
        Assert.Equal(new LossRecord(LossKind.Block, 5, 1250, 1250, 0.003027), blocks[124]);
        Assert.Equal(new LossRecord(LossKind.Block, 7, 50, 1250, 0.002899), blocks[150]); // the later run's, not the abandoned 0.002974
        Assert.Equal(new LossRecord(LossKind.Block, 7, 1250, 1250, 0.002752), blocks[174]);
        Assert.Equal(new LossRecord(LossKind.Block, 8, 50, 1250, 0.002977), blocks[175]);
        Assert.Equal(new LossRecord(LossKind.Block, 12, 1250, 1250, 0.002516), blocks[299]);
        Assert.Equal(new LossRecord(LossKind.Block, 13, 50, 1250, 0.002512), blocks[300]);
        Assert.Equal(new LossRecord(LossKind.Block, 16, 50, 1250, 0.002492), blocks[375]);
        Assert.Equal(new LossRecord(LossKind.Block, 17, 1250, 1250, 0.002358), blocks[^1]);
        Assert.Equal([0.006505, 0.004380, 0.003903, 0.003601, 0.003129, 0.002953, 0.002807, 0.002905, 0.002913, 0.002741, 0.002511, 0.002573,
            0.002446, 0.002515, 0.002555, 0.002455, 0.002448], train.Select(r => r.Value));
        Assert.Equal([0.004608, 0.010009, 0.003574, 0.003869, 0.002829, 0.002749, 0.002693, 0.002797, 0.002681, 0.002603, 0.002454, 0.002413,
            0.002439, 0.002396, 0.002392, 0.002220, 0.002238], validation.Select(r => r.Value));
        Assert.All(history.Records, r => Assert.Equal(1250, r.StepsPerEpoch));
        Assert.Equal(0.04, blocks[0].Position);
        Assert.Equal(17.0, blocks[^1].Position);
        Assert.Equal(21250, LossHistory.GlobalStep(blocks[^1]));
        Assert.Equal(2500, LossHistory.GlobalStep(train[1]));

        // Every block is 50 steps after the previous one: none lost, none doubled.
        Assert.Equal(Enumerable.Range(1, 425).Select(i => 50L * i), blocks.Select(b => LossHistory.GlobalStep(b)!.Value));
    }

    [Fact]
    public void ResumedLog_TheLaterRunReplacesTheAbandonedEpoch_AndEpochsContinue()
    {
        LossHistory history = TrainingLogParser.Parse(TrainingLogs.Resumed);

        Assert.Equal([1, 2, 3, 4], history.OfKind(LossKind.Train).Select(r => r.Epoch));
        Assert.Equal([0.333333, 0.163333, 0.13, 0.1], history.OfKind(LossKind.Train).Select(r => r.Value));
        Assert.Equal([0.25, 0.17, 0.14, 0.12], history.OfKind(LossKind.Validation).Select(r => r.Value));
        LossRecord[] epoch3 = history.OfKind(LossKind.Block).Where(r => r.Epoch == 3).ToArray();
        Assert.Equal([0.14, 0.13, 0.12], epoch3.Select(r => r.Value)); // not the dead run's 0.99
        Assert.Equal(12, history.OfKind(LossKind.Block).Count());
        double[] positions = history.OfKind(LossKind.Block).Select(r => r.Position).ToArray();
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void ConcatenatedLogs_ResumedFromAnOlderCheckpoint_TheLaterRunWinsFromWhereItStarts()
    {
        string text = TrainingLogs.Resumed + $"""
            resumed from ckpt/posenet-epoch-001.dat (epoch 1, optimizer state restored)
            {TrainingLogs.Header}
              epoch 2 step 2/6  loss 0.070000
            epoch 2/4  loss 0.060000  val-loss 0.050000  12 images  10.0 images/s  1.2 s  -> ckpt/posenet-epoch-002.dat

            """;
        LossHistory history = TrainingLogParser.Parse(text);

        Assert.Equal([1, 2], history.OfKind(LossKind.Train).Select(r => r.Epoch));
        Assert.Equal([0.333333, 0.06], history.OfKind(LossKind.Train).Select(r => r.Value));
        Assert.Equal([0.5, 0.3, 0.2, 0.07], history.OfKind(LossKind.Block).Select(r => r.Value));
    }

    [Fact]
    public void EpochLinesOnly_TakeTheStepsPerEpochFromTheHeader_OrNoneWithoutIt()
    {
        string withHeader = $"""
            {TrainingLogs.Header}
            epoch 1/2  loss 0.400000  12 images  10.0 images/s  1.2 s  -> a/posenet-epoch-001.dat
            epoch 2/2  loss 0.300000  12 images  10.0 images/s  1.2 s  -> a/posenet-epoch-002.dat

            """;
        LossHistory history = TrainingLogParser.Parse(withHeader);
        Assert.Equal([0.4, 0.3], history.Records.Select(r => r.Value));
        Assert.All(history.Records, r => Assert.Equal(LossKind.Train, r.Kind));
        Assert.Equal([6L, 12L], history.Records.Select(r => LossHistory.GlobalStep(r)!.Value));

        LossHistory bare = TrainingLogParser.Parse("epoch 1/2  loss 0.400000  val-loss 0.500000  12 images\n");
        Assert.Equal(2, bare.Count);
        Assert.All(bare.Records, r => Assert.Equal(0, r.StepsPerEpoch));
        Assert.Null(LossHistory.GlobalStep(bare.Records[0]));
        Assert.Equal(1.0, bare.Records[1].Position);
    }

    [Fact]
    public void OtherLines_AreSkipped()
    {
        string text = $"""
            learning rate 0.0001 (the checkpoint's optimizer had 0.0005)
            {TrainingLogs.Header}
            nothing to do: the checkpoint is at epoch 4 and --epochs is 4
            warning: the loss curve was not written: disk full
            epochs are counted from 1
              epoch 1 step 3/6  loss 0.250000
            error: something
            """;
        LossHistory history = TrainingLogParser.Parse(text);
        Assert.Equal([new LossRecord(LossKind.Block, 1, 3, 6, 0.25)], history.Records);
    }

    [Theory]
    [InlineData("  epoch 1 step x/6  loss 0.1")]
    [InlineData("  epoch 1 step 7/6  loss 0.1")]
    [InlineData("  epoch 0 step 1/6  loss 0.1")]
    [InlineData("  epoch 1 step 2/6  loss -0.1")]
    [InlineData("  epoch 1 step 2/6  loss NaN")]
    [InlineData("  epoch 1 step 2/6  los 0.1")]
    [InlineData("epoch 1/4  loss abc  val-loss 0.1  12 images")]
    [InlineData("epoch 1/4  loss 0.1  val-loss ∞  12 images")]
    [InlineData("epoch 1 of 4")]
    public void MalformedLossLine_IsAnErrorNamingTheLine(string bad)
    {
        string text = $"{TrainingLogs.Header}\n  epoch 1 step 1/6  loss 0.200000\n{bad}\n  epoch 1 step 3/6  loss 0.100000\n";
        var e = Assert.Throws<TrainingException>(() => TrainingLogParser.Parse(text, "log file 'x.log'"));
        Assert.Equal($"log file 'x.log' line 3 starts like a loss line but cannot be read: '{bad.Trim()}'", e.Message);
        Assert.False(e.IsUsageError);
    }

    [Fact]
    public void UnfinishedLastLine_IsSkipped_ButTheSameLineFinishedIsAnError()
    {
        string text = $"{TrainingLogs.Header}\n  epoch 1 step 2/6  loss 0.200000\n  epoch 1 step 4/6  lo";
        Assert.Single(TrainingLogParser.Parse(text).Records);
        Assert.Throws<TrainingException>(() => TrainingLogParser.Parse(text + "\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\n")]
    public void EmptyLog_IsAnError(string text)
    {
        var e = Assert.Throws<TrainingException>(() => TrainingLogParser.Parse(text, "log file 'x.log'"));
        Assert.Equal("log file 'x.log' is empty", e.Message);
    }

    [Fact]
    public void LogWithoutLossLines_IsAnError()
    {
        var e = Assert.Throws<TrainingException>(() => TrainingLogParser.Parse(TrainingLogs.Header + "\nerror: --annotations is required\n"));
        Assert.StartsWith("the log has no loss lines: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsAUsageError()
    {
        string path = Path.Combine(Path.GetTempPath(), "hg-no-such-" + Guid.NewGuid().ToString("N"), "train.log");
        var e = Assert.Throws<TrainingException>(() => TrainingLogParser.ParseFile(path));
        Assert.Equal($"log file '{path}' does not exist", e.Message);
        Assert.True(e.IsUsageError);
    }
}

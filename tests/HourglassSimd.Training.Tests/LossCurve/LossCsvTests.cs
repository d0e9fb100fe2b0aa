namespace HourglassSimd.Training.Tests;

public sealed class LossCsvTests
{
    [Fact]
    public void ShippedLog_RoundTripsThroughCsv()
    {
        LossHistory history = TrainingLogParser.ParseFile(TrainingLogs.Shipped);
        string path = TrainingLogs.Write("", "loss.csv");
        LossCsv.Write(path, history);

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(LossCsv.Header, lines[0]);
        Assert.Equal(460, lines.Length); // the header and 425 + 17 + 17 records
        Assert.Equal("1,50,1250,50,0.04,block,0.026489", lines[1]);
        Assert.Contains("2,1250,1250,2500,2,validation,0.010009", lines);
        Assert.Contains("4,1250,1250,5000,4,validation,0.003869", lines);
        Assert.Contains("5,1250,1250,6250,5,validation,0.002829", lines);
        Assert.Contains("7,1250,1250,8750,7,validation,0.002693", lines);
        Assert.Contains("12,1250,1250,15000,12,validation,0.002413", lines);
        Assert.Equal("17,1250,1250,21250,17,validation,0.002238", lines[^1]);

        Assert.Equal(history.Records, LossCsv.Read(path).Records);
    }

    [Fact]
    public void ExactValues_AndUnknownStepCounts_RoundTrip()
    {
        var history = new LossHistory();
        history.Add(new LossRecord(LossKind.Block, 1, 3, 7, 1.0 / 3));
        history.Add(new LossRecord(LossKind.Block, 1, 7, 7, 2.5e-9));
        history.AddEpoch(1, 7, Math.PI / 10, null);
        history.AddEpoch(2, 0, 0.1 + 0.2, 0.0);
        string path = TrainingLogs.Write("", "loss.csv");
        LossCsv.Write(path, history);

        Assert.Equal("2,,,,2,train,0.30000000000000004", File.ReadAllLines(path)[4]);
        Assert.Equal(history.Records, LossCsv.Read(path).Records);
    }

    [Theory]
    [InlineData("1,50,1250,50,0.04,block", "7 fields expected")]
    [InlineData("1,50,1250,51,0.04,block,0.1", "global_step should be '50'")]
    [InlineData("1,50,1250,50,0.04,blocks,0.1", "unknown kind 'blocks'")]
    public void BadRow_IsAnErrorNamingTheLine(string row, string reason)
    {
        string path = TrainingLogs.Write($"{LossCsv.Header}\n1,25,1250,25,0.02,block,0.2\n{row}\n", "loss.csv");
        var e = Assert.Throws<TrainingException>(() => LossCsv.Read(path));
        Assert.Equal($"loss file '{path}' line 3: {reason}", e.Message);
    }
}

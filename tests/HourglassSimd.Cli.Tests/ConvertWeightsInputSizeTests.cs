using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// <c>convert-weights</c> without <c>--input-size</c> takes the size from the trainer's metadata beside the checkpoint
/// (NAME.json for NAME.dat); <c>--input-size</c> wins; with no metadata the size is 256; bad metadata is a one-line error.
/// </summary>
public sealed class ConvertWeightsInputSizeTests : IDisposable
{
    private static readonly HourglassArchitecture Small = new(1, 16, 16, 64, 64);

    private readonly TempFolder _temp = new();
    private readonly string _checkpoint;
    private readonly string _metadata;
    private readonly string _model;

    public ConvertWeightsInputSizeTests()
    {
        _checkpoint = _temp.File("posenet-epoch-003.dat");
        File.WriteAllBytes(_checkpoint, SyntheticCheckpoints.TorchSharpBytes(SyntheticCheckpoints.Tensors(Small)));
        _metadata = _temp.File("posenet-epoch-003.json");
        _model = _temp.File("small.hgw");
    }

    public void Dispose() => _temp.Dispose();

    private CliRun Convert(params string[] more) =>
        HourglassCli.Run(["convert-weights", "--checkpoint", _checkpoint, "--out", _model, .. more]);

    private int ConvertedSide(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var architecture = HourglassModelFile.Load(_model).Architecture;
        Assert.Equal(architecture.InputHeight, architecture.InputWidth);
        return architecture.InputHeight;
    }

    [Fact]
    public void The_trainers_metadata_gives_the_input_size()
    {
        // What the trainer writes (CheckpointMetadata), trimmed to a few fields.
        File.WriteAllText(_metadata, """{ "epoch": 3, "stacks": 1, "features": 16, "joints": 16, "inputSize": 128, "sigma": 0.5 }""");
        var run = Convert();
        Assert.Equal(128, ConvertedSide(run));
        Assert.Contains("input size     128x128 (from posenet-epoch-003.json, the trainer's metadata)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_option_wins_over_the_metadata_and_the_metadata_is_not_read()
    {
        File.WriteAllText(_metadata, "not json at all");
        var run = Convert("--input-size", "192");
        Assert.Equal(192, ConvertedSide(run));
        Assert.Contains("input size     192x192 (--input-size)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_metadata_or_with_another_programs_json_the_size_is_256()
    {
        var run = Convert();
        Assert.Equal(256, ConvertedSide(run));
        Assert.Contains("input size     256x256 (the default; no trainer's metadata beside the checkpoint, give --input-size for another)", run.Output, StringComparison.Ordinal);

        File.Delete(_model);
        File.WriteAllText(_metadata, """{ "name": "some other tool's settings", "inputSize": "large" }""");
        Assert.Equal(256, ConvertedSide(Convert()));
    }

    [Theory]
    [InlineData("{ \"inputSize\": 128,", "posenet-epoch-003.json beside the checkpoint is not valid JSON")]
    [InlineData("{ \"inputSize\": 100 }", "posenet-epoch-003.json records inputSize 100, not a multiple of 64 up to 2048; give --input-size.")]
    [InlineData("{ \"inputSize\": 4096 }", "posenet-epoch-003.json records inputSize 4096, not a multiple of 64 up to 2048; give --input-size.")]
    [InlineData("{ \"inputSize\": 1.5 }", "posenet-epoch-003.json records inputSize 1.5, not a multiple of 64 up to 2048; give --input-size.")]
    public void Bad_metadata_is_a_one_line_error_and_writes_nothing(string json, string message)
    {
        File.WriteAllText(_metadata, json);
        HourglassCli.AssertFails(Convert(), message);
        Assert.False(File.Exists(_model));
    }

    [Fact]
    public void Metadata_too_large_to_be_the_trainers_is_refused_unread()
    {
        File.WriteAllText(_metadata, "{ \"inputSize\": 128, \"padding\": \"" + new string(' ', (int)Interop.Checkpoints.TrainerMetadataFile.MaxBytes) + "\" }");
        HourglassCli.AssertFails(Convert(), "the trainer's metadata beside the checkpoint: ");
        Assert.False(File.Exists(_model));
    }

    /// <summary>A FIFO under the metadata's name would block a plain read forever, a link to /dev/zero never end.</summary>
    [UnixFileSystemFact]
    public void Metadata_that_is_a_fifo_or_a_device_fails_at_once()
    {
        SpecialFiles.MakeFifo(_metadata);
        HourglassCli.AssertFails(Convert(), $"the trainer's metadata beside the checkpoint: '{_metadata}' is a FIFO (named pipe), not a regular file; only regular files are read. Give --input-size.");

        File.Delete(_metadata);
        File.CreateSymbolicLink(_metadata, SpecialFiles.ZeroDevice);
        HourglassCli.AssertFails(Convert(), "is a character device, not a regular file; only regular files are read. Give --input-size.");
        Assert.False(File.Exists(_model));
    }
}

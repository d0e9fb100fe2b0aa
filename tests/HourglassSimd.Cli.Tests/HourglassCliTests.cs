using HourglassSimd.TestSupport;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Npy;
using Xunit.Abstractions;

namespace HourglassSimd.Cli.Tests;

/// <summary>The real <c>hourglass</c> executable: convert-weights and run end to end, and their one-line errors.</summary>
public sealed class HourglassCliTests(ITestOutputHelper output) : IDisposable
{
    private static readonly HourglassArchitecture Small = new(1, 16, 16, 64, 64);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteCheckpoint(string name, IEnumerable<CheckpointTensor> tensors)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, SyntheticCheckpoints.TorchSharpBytes(tensors));
        return path;
    }

    [Fact]
    public void ConvertWeights_PrincetonVlStyleCheckpoint_ReportsPrefixAndIgnoredTensors()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small, prefix: "model.module.");
        string checkpoint = WriteCheckpoint("pv.dat", tensors.Concat(SyntheticCheckpoints.IdentityShortcuts(tensors)));
        var result = HourglassCli.Run("convert-weights", "--checkpoint", checkpoint, "--out", _temp.File("pv.hgw"), "--input-size", "64", "--normalization", "bp");
        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("key prefix     'model.module.' stripped", result.Output, StringComparison.Ordinal);
        Assert.Contains("ignored        53 num_batches_tracked", result.Output, StringComparison.Ordinal);
        Assert.Contains("30 skip_layer.conv.* of residuals with in = out", result.Output, StringComparison.Ordinal);
        Assert.Contains("15 residual(s)", result.Output, StringComparison.Ordinal);
        Assert.Equal(InputNormalization.MeanSubtracted, HourglassModelFile.Load(_temp.File("pv.hgw")).Normalization);
    }

    [Fact]
    public void ConvertWeights_Failures_AreShortMessagesWithExitCode1()
    {
        string good = WriteCheckpoint("good.dat", SyntheticCheckpoints.Tensors(Small));
        string output1 = _temp.File("out.hgw");
        CliRun Convert(string checkpoint, params string[] more) =>
            HourglassCli.Run(["convert-weights", "--checkpoint", checkpoint, "--out", output1, "--input-size", "64", .. more]);

        HourglassCli.AssertFails(Convert(_temp.File("missing.dat")), "missing.dat' does not exist");

        string text = _temp.File("notes.txt");
        File.WriteAllText(text, "these are not weights\n");
        HourglassCli.AssertFails(Convert(text), "notes.txt: not a checkpoint");

        string truncated = _temp.File("truncated.dat");
        File.WriteAllBytes(truncated, File.ReadAllBytes(good)[..5000]);
        HourglassCli.AssertFails(Convert(truncated), "truncated.dat: truncated");

        var tensors = SyntheticCheckpoints.Tensors(Small);
        tensors.RemoveAll(t => t.Name is "pre.3.bn1.weight" or "outs.0.conv.bias");
        tensors.Add(new CheckpointTensor("decoder.weight", [3], TensorElementType.Float32, [1, 2, 3]));
        string message = HourglassCli.AssertFails(Convert(WriteCheckpoint("keys.dat", tensors)), "3 problem(s)", singleLine: false);
        Assert.Contains("missing tensor 'pre.3.bn1.weight'", message, StringComparison.Ordinal);
        Assert.Contains("missing tensor 'outs.0.conv.bias'", message, StringComparison.Ordinal);
        Assert.Contains("unexpected tensor 'decoder.weight'", message, StringComparison.Ordinal);

        var shapes = SyntheticCheckpoints.Tensors(Small);
        int at = shapes.FindIndex(t => t.Name == "hgs.0.0.low1.conv2.conv.weight");
        shapes[at] = SyntheticCheckpoints.With(shapes[at], shape: [8, 8, 1, 1], data: new float[64]);
        HourglassCli.AssertFails(Convert(WriteCheckpoint("shape.dat", shapes)), "tensor 'hgs.0.0.low1.conv2.conv.weight' has shape [8, 8, 1, 1], expected [8, 8, 3, 3]", singleLine: false);

        var nan = SyntheticCheckpoints.Tensors(Small);
        at = nan.FindIndex(t => t.Name == "pre.0.bn.running_var");
        var values = (float[])nan[at].Data!.Clone();
        values[10] = float.NaN;
        nan[at] = SyntheticCheckpoints.With(nan[at], data: values);
        HourglassCli.AssertFails(Convert(WriteCheckpoint("nan.dat", nan)), "tensor 'pre.0.bn.running_var' holds an invalid value NaN at flat index 10", singleLine: false);

        HourglassCli.AssertFails(Convert(good, "--stacks", "2"), "--stacks 2 disagrees with the checkpoint, which has 1 stacks");
        HourglassCli.AssertFails(Convert(good, "--normalization", "imagenet"), "--normalization 'imagenet' is not one of pv, bp");
        HourglassCli.AssertFails(Convert(good, "--mean", "0.1,0.2"), "--mean '0.1,0.2' is not three comma-separated numbers");
        Assert.False(File.Exists(output1));
    }

    [Fact]
    public void Run_RejectsInputsThatDoNotFit()
    {
        string model = _temp.File("small.hgw");
        new HourglassModelFile(Small, HourglassWeights.CreateRandom(Small, 3)).Save(model);
        string input = _temp.File("x.npy");
        CliRun Run() => HourglassCli.Run("run", "--model", model, "--input", input, "--output", _temp.File("y.npy"));

        NpyWriter.Write(input, new NpyArray([1, 3, 96, 128], new float[3 * 96 * 128]));
        HourglassCli.AssertFails(Run(), "x.npy: shape (1, 3, 96, 128): image size 96x128 is not supported; the model expects (N, 3, H, W) with N >= 1 and H, W multiples of 64");

        NpyWriter.Write(input, new NpyArray([1, 4, 64, 64], new float[4 * 64 * 64]));
        HourglassCli.AssertFails(Run(), "x.npy: shape (1, 4, 64, 64) does not fit the model, which expects (N, 3, H, W)");

        NpyWriter.Write(input, new NpyArray([3, 64, 64], new float[3 * 64 * 64]));
        HourglassCli.AssertFails(Run(), "shape (3, 64, 64) has rank 3; the model expects rank 4: (N, 3, H, W)");

        byte[] npy = File.ReadAllBytes(input);
        File.WriteAllBytes(input, [.. npy[..10], .. System.Text.Encoding.Latin1.GetBytes(System.Text.Encoding.Latin1.GetString(npy[10..64]).Replace("<f4", "<f8")), .. npy[64..]]);
        HourglassCli.AssertFails(Run(), "dtype '<f8' (little-endian float64) is not supported");

        HourglassCli.AssertFails(HourglassCli.Run("run", "--model", _temp.File("none.hgw"), "--input", input, "--output", _temp.File("y.npy")), "none.hgw' does not exist");
        Assert.False(File.Exists(_temp.File("y.npy")));
    }

    /// <summary>
    /// A non-finite input value is named by its position in the whole batch, although run goes through the batch one
    /// image at a time (so that Ctrl+C is noticed between images); nothing is written.
    /// </summary>
    [Fact]
    public void Run_names_the_image_that_holds_a_non_finite_value()
    {
        string model = _temp.File("nan.hgw"), input = _temp.File("nan.npy"), output = _temp.File("nan-out.npy");
        new HourglassModelFile(Small, HourglassWeights.CreateRandom(Small, 5)).Save(model);
        var images = new float[3 * 3 * 64 * 64];
        images[((2 * 3 + 1) * 64 + 5) * 64 + 7] = float.NaN; // image 2, channel 1, row 5, column 7
        NpyWriter.Write(input, new NpyArray([3, 3, 64, 64], images));

        var run = HourglassCli.Run("run", "--model", model, "--input", input, "--output", output, "--threads", "1");

        string message = HourglassCli.AssertFails(run, "input holds NaN at image 2, channel 1, row 5, column 7; values must be finite.");
        Assert.DoesNotContain("Parameter", message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    /// <summary>A 64x64 model runs a 128x192 batch: heatmaps of 32x48, equal to the engine's run at that size.</summary>
    [Fact]
    public void Run_AcceptsOtherInputSizes()
    {
        string model = _temp.File("sized.hgw"), input = _temp.File("wide.npy"), output = _temp.File("wide-out.npy");
        var weights = HourglassWeights.CreateRandom(Small, 4);
        new HourglassModelFile(Small, weights).Save(model);
        var random = new Random(6);
        float[] images = Enumerable.Range(0, 2 * 3 * 128 * 192).Select(_ => random.NextSingle()).ToArray();
        NpyWriter.Write(input, new NpyArray([2, 3, 128, 192], images));

        var result = HourglassCli.Run("run", "--model", model, "--input", input, "--output", output, "--threads", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        var heatmaps = NpyReader.Read(output);
        Assert.Equal([2, Small.Stacks, Small.Joints, 32, 48], heatmaps.Shape);
        using var network = HourglassNetwork.Create(Small, weights, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(network.Run(images, 128, 192), heatmaps.Data);
    }
}

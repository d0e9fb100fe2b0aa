using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// <c>hourglass quantize</c> on the shipped model, calibrated on the sample images and their annotations: the int8 file
/// is smaller, keeps the metadata and runs in the other commands; bad calibration and requantizing are refused with one
/// line and leave no file.
/// </summary>
public sealed class QuantizeCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string ShippedModel => Path.Combine(RepositoryPaths.Root, "models", "hourglass-demo.hgw");

    private static string Samples => Path.Combine(RepositoryPaths.Root, "models", "samples");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_model_quantizes_on_the_samples_and_runs_in_bench_and_infer()
    {
        string quantized = _temp.Combine("demo-int8.hgw");
        var run = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", Path.Combine(Samples, "annotations.json"),
            "--images", Samples, "--method", "percentile", "--out", quantized, "--progress", "none", "--report", _temp.Combine("tensors.csv"));
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] report = File.ReadAllLines(_temp.Combine("tensors.csv"));
        Assert.Equal("tensor,kind,min,max,scale,zero_point,sqnr_db", report[0]);
        Assert.StartsWith("image,activation,0,1,", report[1], StringComparison.Ordinal);
        Assert.Equal(102, report.Count(line => line.Contains(",weights,", StringComparison.Ordinal))); // the demo model's convolutions
        Assert.Contains("heatmaps     SQNR against float32 per stack", run.Output, StringComparison.Ordinal);

        var original = HourglassModelFile.Load(ShippedModel);
        var model = HourglassModelFile.Load(quantized);
        Assert.Equal(ModelPrecision.Int8, model.Precision);
        Assert.True(new FileInfo(quantized).Length <= 0.3 * new FileInfo(ShippedModel).Length);
        Assert.Equal(original.Metadata.JointLayout.Names, model.Metadata.JointLayout.Names);
        Assert.EndsWith(", int8", model.Metadata.Source, StringComparison.Ordinal);

        var bench = HourglassCli.Run("bench", "--model", quantized, "--runs", "1", "--threads", "1");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains(", int8 ", bench.Output, StringComparison.Ordinal);
        var infer = HourglassCli.Run("infer", Samples, "--model", quantized, "--boxes", Path.Combine(Samples, "boxes.json"), "--out", _temp.Combine("poses"));
        Assert.True(infer.ExitCode == 0, infer.ToString());
        Assert.True(File.Exists(_temp.Combine("poses", "results.json")));

        string again = _temp.Combine("again.hgw");
        var requantize = HourglassCli.Run("quantize", "--model", quantized, "--calibration", Samples, "--out", again);
        Assert.NotEqual(0, requantize.ExitCode);
        Assert.Contains("already quantized", requantize.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(again));
        var export = HourglassCli.Run("export-onnx", "--model", quantized, "--out", _temp.Combine("q.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("int8 in QDQ form", export.Output, StringComparison.Ordinal);
        Assert.Contains("QuantizeLinear", export.Output, StringComparison.Ordinal);
        // s8 weights, plus per-channel scales, int32 biases and the QDQ nodes' names: well under half the float file.
        Assert.True(new FileInfo(_temp.Combine("q.onnx")).Length <= 0.4 * new FileInfo(ShippedModel).Length);
    }

    [Fact]
    public void The_trained_depthwise_model_quantizes_and_runs_its_depthwise_layers_on_the_int8_kernel()
    {
        string model = _temp.Combine("depthwise.hgw"), quantized = _temp.Combine("depthwise-int8.hgw");
        var convert = HourglassCli.Run("convert-weights", "--checkpoint", Path.Combine(RepositoryPaths.Root, "models", "zoo", "dw", "posenet-epoch-017.dat"),
            "--out", model);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        var run = HourglassCli.Run("quantize", "--model", model, "--calibration", Path.Combine(Samples, "annotations.json"),
            "--images", Samples, "--method", "percentile", "--out", quantized, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(ResidualBlock.Depthwise, HourglassModelFile.Load(quantized).Architecture.Block);

        var bench = HourglassCli.Run("bench", "--model", quantized, "--runs", "2", "--threads", "1", "--profile");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("int8 dwconv3x3 64 @64x64", bench.Output, StringComparison.Ordinal);
        var infer = HourglassCli.Run("infer", Samples, "--model", quantized, "--boxes", Path.Combine(Samples, "boxes.json"), "--out", _temp.Combine("poses"));
        Assert.True(infer.ExitCode == 0, infer.ToString());
        Assert.True(File.Exists(_temp.Combine("poses", "results.json")));
        var export = HourglassCli.Run("export-onnx", "--model", quantized, "--out", _temp.Combine("dw.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("int8 in QDQ form", export.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Int16_quantizes_the_shipped_model_at_about_half_its_size_and_runs()
    {
        string quantized = _temp.Combine("demo-int16.hgw");
        var run = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", Samples, "--precision", "int16", "--out", quantized, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("s16 per output channel", run.Output, StringComparison.Ordinal);
        var model = HourglassModelFile.Load(quantized);
        Assert.Equal(ModelPrecision.Int16, model.Precision);
        Assert.EndsWith(", int16", model.Metadata.Source, StringComparison.Ordinal);
        Assert.True(new FileInfo(quantized).Length <= 0.55 * new FileInfo(ShippedModel).Length);

        var bench = HourglassCli.Run("bench", "--model", quantized, "--runs", "1", "--threads", "1");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains(", int16 ", bench.Output, StringComparison.Ordinal);
        var export = HourglassCli.Run("export-onnx", "--model", quantized, "--out", _temp.Combine("q16.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("int16 in QDQ form): opset 21,", export.Output, StringComparison.Ordinal);
        Assert.Contains("Clip", export.Output, StringComparison.Ordinal);

        var mse = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", Samples, "--precision", "int16", "--method", "mse", "--out", _temp.Combine("x.hgw"));
        Assert.NotEqual(0, mse.ExitCode);
        Assert.Contains("use minmax or percentile", mse.Error, StringComparison.Ordinal);
        var bad = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", Samples, "--precision", "int4", "--out", _temp.Combine("x.hgw"));
        Assert.Contains("--precision must be int8 or int16, not 'int4'", bad.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("x.hgw")));
    }

    [Fact]
    public void Bad_calibration_data_gets_one_line_and_no_file()
    {
        string output = _temp.Combine("q.hgw");
        string empty = _temp.Combine("empty");
        Directory.CreateDirectory(empty);
        string wrongNpy = _temp.Combine("inputs.npy");
        HourglassSimd.Interop.Npy.NpyWriter.Write(wrongNpy, new HourglassSimd.Interop.Npy.NpyArray([2, 3, 64, 64], new float[2 * 3 * 64 * 64]));
        string broken = _temp.Combine("broken");
        Directory.CreateDirectory(broken);
        File.WriteAllBytes(Path.Combine(broken, "a.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        foreach (var (calibration, message) in new[]
        {
            (empty, "holds no image"),
            (wrongNpy, "the model's input size"),
            (broken, "calibration image"),
            (_temp.Combine("missing.json"), "does not exist"),
        })
        {
            var run = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", calibration, "--out", output);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.Trim().Split('\n'));
            Assert.False(File.Exists(output));
        }
        var annotationsWithoutImages = HourglassCli.Run("quantize", "--model", ShippedModel, "--calibration", Path.Combine(Samples, "annotations.json"), "--out", output);
        Assert.Contains("needs --images", annotationsWithoutImages.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}

using System.CommandLine;
using HourglassSimd.TestSupport;
using HourglassSimd.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests;

/// <summary><c>hourglass export-onnx</c> end to end (redirects the console, so it runs in its own collection).</summary>
public sealed class ExportOnnxCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hourglass-export-onnx-").FullName;

    [Fact]
    public void Random_weights_export_to_a_model_onnx_runtime_loads()
    {
        string path = Path.Combine(_directory, "random.onnx");
        var (code, stdout, stderr) = Invoke("--out", path, "--stacks", "1", "--features", "16", "--joints", "17", "--size", "64", "--seed", "3");
        Assert.True(code == 0, stderr);
        Assert.Contains("nodes", stdout);
        Assert.Contains("initializers", stdout);
        Assert.Single(stdout.Trim().Split('\n'));

        var arch = new HourglassArchitecture(1, 16, 17, 64, 64);
        Assert.Equal(HourglassOnnxExporter.ExportToBytes(arch, HourglassWeights.CreateRandom(arch, 3)), File.ReadAllBytes(path));
        using var session = new InferenceSession(path);
        Assert.Equal([-1, 1, 17, 16, 16], session.OutputMetadata[HourglassOnnxExporter.OutputName].Dimensions);
    }

    [Fact]
    public void Model_file_exports_its_own_architecture_and_weights()
    {
        var arch = new HourglassArchitecture(2, 8, 16, 128, 64);
        var weights = HourglassWeights.CreateRandom(arch, 11);
        string hgw = Path.Combine(_directory, "model.hgw"), onnx = Path.Combine(_directory, "model.onnx");
        new HourglassModelFile(arch, weights).Save(hgw);

        var (code, _, stderr) = Invoke("--model", hgw, "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Equal(HourglassOnnxExporter.ExportToBytes(arch, weights), File.ReadAllBytes(onnx));
    }

    [Fact]
    public void Batch_option_fixes_the_batch_dimension()
    {
        string path = Path.Combine(_directory, "batch2.onnx");
        var (code, _, stderr) = Invoke("--out", path, "--stacks", "1", "--features", "8", "--size", "64", "--batch", "2");
        Assert.True(code == 0, stderr);
        using var session = new InferenceSession(path);
        Assert.Equal([2, 3, 64, 64], session.InputMetadata[HourglassOnnxExporter.InputName].Dimensions);
    }

    [Fact]
    public void Shape_options_with_a_model_file_fail_with_one_line()
    {
        string hgw = Path.Combine(_directory, "model.hgw");
        var arch = new HourglassArchitecture(1, 8, 16, 64, 64);
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 1)).Save(hgw);
        var (code, _, stderr) = Invoke("--model", hgw, "--stacks", "2", "--out", Path.Combine(_directory, "x.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: --stacks", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Missing_model_file_fails_with_one_line()
    {
        var (code, _, stderr) = Invoke("--model", Path.Combine(_directory, "absent.hgw"), "--out", Path.Combine(_directory, "x.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", stderr);
        Assert.False(File.Exists(Path.Combine(_directory, "x.onnx")));
    }

    [Fact]
    public void Invalid_architecture_fails_with_one_line()
    {
        var (code, _, stderr) = Invoke("--size", "100", "--out", Path.Combine(_directory, "x.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: --size 100: input size 100x100 is not supported; both sides must be positive multiples of 64", stderr);
        (code, _, stderr) = Invoke("--size", "128x64", "--dynamic-size", "--out", Path.Combine(_directory, "x.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: --size fixes the input size and --dynamic-size leaves it open", stderr);
        Assert.False(File.Exists(Path.Combine(_directory, "x.onnx")));
    }

    [Fact]
    public void Size_options_set_the_exported_shape_of_a_model_file()
    {
        string hgw = Path.Combine(_directory, "sized.hgw"), onnx = Path.Combine(_directory, "sized.onnx");
        var arch = new HourglassArchitecture(1, 8, 16, 64, 64);
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 1)).Save(hgw);
        var (code, stdout, stderr) = Invoke("--model", hgw, "--size", "128x192", "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("input 128x192", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = Invoke("--model", hgw, "--dynamic-size", "--out", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("input N x 3 x H x W (dynamic)", stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs the real <c>hourglass export-onnx</c> as a process.</summary>
    private (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var run = HourglassCli.Run(["export-onnx", .. args]);
        output.WriteLine($"hourglass export-onnx {string.Join(" ", args)} → {run.ExitCode}\n{run.Output}{run.Error}");
        return (run.ExitCode, run.Output, run.Error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

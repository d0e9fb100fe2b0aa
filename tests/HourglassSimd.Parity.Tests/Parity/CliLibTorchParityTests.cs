using HourglassSimd.Interop.Npy;
using HourglassSimd.TestSupport;
using HourglassSimd.Parity.Tests.Support;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.Parity;

/// <summary>The real <c>hourglass</c> executable against libtorch: a TorchSharp checkpoint converted and run from the command line.</summary>
public sealed class CliLibTorchParityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ConvertThenRun_EndToEnd_MatchesLibTorch()
    {
        using var net = RandomPoseNets.Create(2, 32, 17, seed: 5);
        string checkpoint = _temp.File("posenet.dat"), model = _temp.File("posenet.hgw");
        net.save(checkpoint);

        var convert = HourglassCli.Run("convert-weights", "--checkpoint", checkpoint, "--out", model, "--input-size", "64", "--stacks", "2", "--joints", "17");
        output.WriteLine(convert.Output + convert.Error);
        Assert.Equal(0, convert.ExitCode);
        Assert.Contains("TorchSharp Module.save", convert.Output, StringComparison.Ordinal);
        Assert.Contains("architecture   2 stack(s), 32 features, 17 joints, input 64x64", convert.Output, StringComparison.Ordinal);
        Assert.Contains("96 num_batches_tracked", convert.Output, StringComparison.Ordinal);
        Assert.Contains("wrote          ", convert.Output, StringComparison.Ordinal);

        float[] images = RandomPoseNets.Images(2, 64, seed: 6);
        string input = _temp.File("images.npy"), heatmaps = _temp.File("heatmaps.npy");
        NpyWriter.Write(input, new NpyArray([2, 3, 64, 64], images));
        var run = HourglassCli.Run("run", "--model", model, "--input", input, "--output", heatmaps, "--threads", "2");
        output.WriteLine(run.Output + run.Error);
        Assert.Equal(0, run.ExitCode);

        var result = NpyReader.Read(heatmaps);
        Assert.Equal([2, 2, 17, 16, 16], result.Shape);
        float[] expected = RandomPoseNets.Forward(net, images, 2, 64);
        double maxAbs = expected.Zip(result.Data, (e, a) => Math.Abs(e - a)).Max();
        double maxRef = expected.Max(Math.Abs);
        output.WriteLine($"CLI output vs libtorch: max abs {maxAbs:E3}, max |libtorch| {maxRef:F4}, relative {maxAbs / maxRef:E3}");
        Assert.True(maxAbs <= 1e-4 * maxRef);

        // The .npy the CLI wrote holds what the engine computes in-process (same model file, same thread count).
        using var engine = HourglassNetwork.Load(model, new HourglassOptions { MaxDegreeOfParallelism = 2 });
        float[] inProcess = engine.Run(images);
        Assert.True(inProcess.Zip(result.Data, (e, a) => Math.Abs(e - a)).Max() <= 1e-6 * maxRef);
    }
}

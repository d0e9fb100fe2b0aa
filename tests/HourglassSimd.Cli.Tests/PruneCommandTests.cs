using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary><c>hourglass prune</c>: the pruned file keeps its metadata, meets the budget and runs in the other commands; bad options leave nothing.</summary>
public sealed class PruneCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string ShippedModel => Path.Combine(RepositoryPaths.Root, "models", "hourglass-demo.hgw");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_shipped_model_pruned_to_half_its_macs_loads_keeps_its_metadata_and_exports()
    {
        string pruned = _temp.Combine("half.hgw");
        var run = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.5", "--out", pruned);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("fine-tune it before use", run.Output, StringComparison.Ordinal);

        var original = HourglassModelFile.Load(ShippedModel);
        var model = HourglassModelFile.Load(pruned);
        Assert.NotNull(model.Architecture.Widths);
        Assert.True(model.Architecture.MacCount <= original.Architecture.MacCount / 2);
        Assert.Equal(original.Metadata.Normalization, model.Metadata.Normalization);
        Assert.Equal(original.Metadata.JointLayout.Names, model.Metadata.JointLayout.Names);
        Assert.Equal(original.Metadata.JointLayout.FlipPairs, model.Metadata.JointLayout.FlipPairs);
        Assert.EndsWith(", pruned", model.Metadata.Source, StringComparison.Ordinal);

        var export = HourglassCli.Run("export-onnx", "--model", pruned, "--out", _temp.Combine("half.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        var bench = HourglassCli.Run("bench", "--model", pruned, "--runs", "1", "--threads", "1");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("narrowed residual(s)", bench.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stem_is_pruned_by_default_and_kept_whole_with_keep_stem()
    {
        string pruned = _temp.Combine("quarter.hgw"), kept = _temp.Combine("kept.hgw");
        var run = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.25", "--out", pruned);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(HourglassModelFile.Load(pruned).Architecture.StemChannels < HourglassArchitecture.DefaultStemChannels);
        Assert.Contains("stem         64 -> ", run.Output, StringComparison.Ordinal);

        var keep = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.5", "--keep-stem", "--out", kept);
        Assert.True(keep.ExitCode == 0, keep.ToString());
        Assert.Equal(HourglassArchitecture.DefaultStemChannels, HourglassModelFile.Load(kept).Architecture.StemChannels);
        // Without the stem a fifth of the MACs is out of reach (the floor is 0.219 with every module one channel wide):
        // one line that says so, and no file.
        string refused = _temp.Combine("refused.hgw");
        var floor = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.2", "--keep-stem", "--out", refused);
        Assert.NotEqual(0, floor.ExitCode);
        Assert.Contains("nor (as asked) the stem convolution", floor.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(refused));
    }

    [Fact]
    public void Width_multiple_rounds_every_kept_width_up_to_its_multiple()
    {
        string exact = _temp.Combine("exact.hgw"), rounded = _temp.Combine("rounded.hgw");
        var exactRun = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.25", "--out", exact);
        Assert.True(exactRun.ExitCode == 0, exactRun.ToString());
        var roundedRun = HourglassCli.Run("prune", "--model", ShippedModel, "--target-macs", "0.25", "--width-multiple", "16", "--out", rounded);
        Assert.True(roundedRun.ExitCode == 0, roundedRun.ToString());

        // Without rounding some kept width is off the multiple (else the option would change nothing here).
        var exactArchitecture = HourglassModelFile.Load(exact).Architecture;
        Assert.Contains(Topology.HourglassTopology.ResidualModules(exactArchitecture), m => m.InnerChannels % 16 != 0);
        var architecture = HourglassModelFile.Load(rounded).Architecture;
        Assert.NotNull(architecture.Widths);
        Assert.All(Topology.HourglassTopology.ResidualModules(architecture), m => Assert.Equal(0, m.InnerChannels % 16));
        Assert.Equal(0, architecture.StemChannels % 16);
        Assert.True(architecture.MacCount <= HourglassModelFile.Load(ShippedModel).Architecture.MacCount / 4);
    }

    [Theory]
    [InlineData("--width-multiple", "0")]
    [InlineData("--target-macs", "0")]
    [InlineData("--target-macs", "1.01")]
    [InlineData("--target-params", "-1")]
    [InlineData("--scope", "layer")]
    public void Bad_options_are_one_line_errors_and_write_nothing(string option, string value)
    {
        string output = _temp.Combine("bad.hgw");
        string[] args = option is "--scope" or "--width-multiple"
            ? ["prune", "--model", ShippedModel, "--target-macs", "0.5", option, value, "--out", output]
            : ["prune", "--model", ShippedModel, option, value, "--out", output];
        HourglassCli.AssertFails(HourglassCli.Run(args), option);
        Assert.False(File.Exists(output));
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HourglassSimd.Training.Tests;

/// <summary>The real trainer executable, run as a process the way a user runs it.</summary>
public sealed partial class TrainingCliTests(TinyPoseDataset data, ITestOutputHelper output) : IClassFixture<TinyPoseDataset>
{
    private static bool Avx512 => RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx512F.IsSupported;

    [Fact]
    public void Cli_EightEpochs_LossStaysFiniteAndFalls()
    {
        // Past epoch 6, where a 40-epoch run on a Zen 5 CPU died, with augmentation on as in real runs.
        TrainerRun run = TrainerProcess.Run(null, TinyRun("eight", epochs: 8));
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        // Nothing on stderr: with oneDNN off, libtorch once logged an NNPACK warning at every convolution here.
        Assert.True(run.Error.Trim().Length == 0, run.Error[..Math.Min(run.Error.Length, 2000)]);

        string[] lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PoseNet stacks 1 features 16 joints 16 input 64 on cpu:", lines[0], StringComparison.Ordinal);
        Assert.Contains(OneDnnIsaCap.Current.Description, lines[0], StringComparison.Ordinal);
        Assert.Contains("libtorch oneDNN convolutions off (HOURGLASS_LIBTORCH_ONEDNN=on keeps them)", lines[0], StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
            Assert.Contains("glibc malloc keeps freed memory (HOURGLASS_MALLOC=glibc for its defaults)", lines[0], StringComparison.Ordinal);

        Match[] epochs = lines.Select(l => EpochLine().Match(l)).Where(m => m.Success).ToArray();
        Assert.Equal(Enumerable.Range(1, 8), epochs.Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        LossAssert.FiniteAndFalling(epochs.Select(m => Loss(m.Groups[2].Value)).ToArray());
        // Two validation images scored with BatchNorm running statistics of 3-step epochs: finite, but it need not fall.
        LossAssert.Finite(epochs.Select(m => (double?)Loss(m.Groups[3].Value)), "validation loss");
    }

    [Fact]
    public void Cli_OneDnnVerbose_ShowsTheAvx2CapOnAvx512_AndTheOptOutLiftsIt()
    {
        // The cap only matters where libtorch's oneDNN convolutions are on (LibTorchOneDnn); off, oneDNN prints no ISA.
        TrainerRun capped = TrainerProcess.Run(new Dictionary<string, string> { ["ONEDNN_VERBOSE"] = "1", [LibTorchOneDnn.OptionVariable] = "on" }, TinyRun("capped", epochs: 1));
        Assert.True(capped.ExitCode == 0, capped.ToString());
        string cappedIsa = IsaLine(capped);

        TrainerRun native = TrainerProcess.Run(
            new Dictionary<string, string> { ["ONEDNN_VERBOSE"] = "1", [LibTorchOneDnn.OptionVariable] = "on", [OneDnnIsaCap.OptionVariable] = "native" }, TinyRun("native", epochs: 1));
        // Uncapped AVX-512 oneDNN is what the cap exists for: its 16-channel blocks pad this network's 8-channel layers
        // with memory nobody wrote, and the run may die of a NaN loss (the trainer's own one-line error), only some of
        // the time (docs/training.md). Either way it has printed the ISA it used.
        Assert.True(native.ExitCode == 0 || (native.Output + native.Error).Contains("the loss became NaN", StringComparison.Ordinal), native.ToString());
        string nativeIsa = IsaLine(native);
        output.WriteLine($"default: {cappedIsa}\nnative:  {nativeIsa}");

        Assert.Contains("oneDNN ISA not capped (HOURGLASS_ONEDNN_ISA=native", native.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AVX-512", cappedIsa, StringComparison.Ordinal);
        if (Avx512)
        {
            Assert.Contains("oneDNN ISA cap AVX2 (AVX-512 CPU", capped.Output, StringComparison.Ordinal);
            Assert.EndsWith("isa:Intel AVX2", cappedIsa, StringComparison.Ordinal);
            Assert.Contains("AVX-512", nativeIsa, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("oneDNN ISA not capped (no AVX-512", capped.Output, StringComparison.Ordinal);
            Assert.Equal(cappedIsa, nativeIsa);
        }
    }

    [Fact]
    public void Cli_UsersOwnDnnlVariableWins()
    {
        TrainerRun run = TrainerProcess.Run(
            new Dictionary<string, string> { ["ONEDNN_VERBOSE"] = "1", [LibTorchOneDnn.OptionVariable] = "on", [OneDnnIsaCap.DnnlVariable] = "SSE41", [OneDnnIsaCap.OptionVariable] = "native" },
            TinyRun("user", epochs: 1));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("oneDNN ISA cap SSE41 (DNNL_MAX_CPU_ISA set by the user)", run.Output, StringComparison.Ordinal);
        Assert.Contains("SSE4.1", IsaLine(run), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NativeHeapRetention.OptionVariable, NativeHeapRetention.KeepDefaults, "glibc malloc defaults (HOURGLASS_MALLOC=glibc)")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576", "glibc malloc as the user tuned it (GLIBC_TUNABLES)")]
    [InlineData("MALLOC_ARENA_MAX", "2", "glibc malloc as the user tuned it (MALLOC_ARENA_MAX)")]
    public void Cli_HeapRetention_YieldsToTheOptOutAndToTheUsersOwnTuning(string variable, string value, string expected)
    {
        if (!OperatingSystem.IsLinux())
            return; // glibc only; elsewhere the line names the system's malloc (NativeHeapRetentionTests)
        TrainerRun run = TrainerProcess.Run(new Dictionary<string, string> { [variable] = value }, TinyRun("heap", epochs: 1));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("keeps freed memory", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_BadOptOutValue_IsAOneLineUsageError()
    {
        TrainerRun run = TrainerProcess.Run(new Dictionary<string, string> { [OneDnnIsaCap.OptionVariable] = "avx 512" }, TinyRun("bad", epochs: 1));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: HOURGLASS_ONEDNN_ISA must be 'native' or a oneDNN ISA name", run.Error, StringComparison.Ordinal);
    }

    private string[] TinyRun(string name, int epochs) =>
    [
        "--annotations", data.AnnotationsPath, "--images", data.ImagesFolder, "--stacks", "1", "--features", "16",
        "--input-size", "64", "--batch-size", "2", "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--device", "cpu",
        "--seed", "7", "--out", data.NewFolder(name),
    ];

    /// <summary>oneDNN's own report of the ISA it dispatches to, e.g. <c>onednn_verbose,v1,info,cpu,isa:Intel AVX2</c>.</summary>
    private static string IsaLine(TrainerRun run) =>
        run.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("onednn_verbose", StringComparison.Ordinal) && l.Contains(",isa:", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no oneDNN isa line in the output:\n{run.Output[..Math.Min(run.Output.Length, 2000)]}");

    private static double Loss(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^epoch (\d+)/\d+  loss (\S+)  val-loss (\S+)  ")]
    private static partial Regex EpochLine();
}

using System.Diagnostics;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// The hourglass .NET tool as a user gets it: packed into a temporary folder, installed from there with
/// <c>dotnet tool install --tool-path</c>, then run (<c>--help</c>, and <c>run</c> on a tiny model). Heavy: it packs and
/// installs (about a minute).
/// </summary>
public sealed class ToolPackageTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Category", "Heavy")]
    public void Tool_packs_installs_from_a_local_folder_and_runs()
    {
        string repository = RepositoryPaths.Root;
        string feed = _temp.Folder("feed"), tools = _temp.Folder("tools");
        // The tests run after a Release build of the solution, which built the tool project too.
        Run("dotnet", "pack", Path.Combine(repository, "tools", "HourglassSimd.Tools"), "-c", "Release", "--no-build", "-o", feed);
        string package = Assert.Single(Directory.GetFiles(feed, "HourglassSimd.Tool.*.nupkg"), p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        string version = Path.GetFileNameWithoutExtension(package)["HourglassSimd.Tool.".Length..];
        output.WriteLine($"packed {Path.GetFileName(package)}: {new FileInfo(package).Length / 1048576.0:F1} MiB");

        Run("dotnet", "tool", "install", "HourglassSimd.Tool", "--version", version, "--tool-path", tools, "--add-source", feed);
        string hourglass = Path.Combine(tools, OperatingSystem.IsWindows() ? "hourglass.exe" : "hourglass");
        Assert.True(File.Exists(hourglass), $"no {hourglass} after install");

        string help = Run(hourglass, "--help");
        foreach (string command in new[] { "bench", "infer", "eval", "convert-weights", "run", "export-onnx" })
            Assert.Contains(command, help, StringComparison.Ordinal);

        var arch = new HourglassArchitecture(1, 8, 5, 64, 64);
        var weights = HourglassWeights.CreateRandom(arch, 3);
        string model = _temp.File("tiny.hgw"), input = _temp.File("x.npy"), heatmaps = _temp.File("y.npy");
        new HourglassModelFile(arch, weights).Save(model);
        float[] images = Enumerable.Range(0, 3 * 64 * 64).Select(i => (i % 97) / 97f).ToArray();
        Interop.Npy.NpyWriter.Write(input, new Interop.Npy.NpyArray([1, 3, 64, 64], images));
        Run(hourglass, "run", "--model", model, "--input", input, "--output", heatmaps, "--threads", "1");
        using var network = HourglassNetwork.Create(arch, weights, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(network.Run(images), Interop.Npy.NpyReader.Read(heatmaps).Data);
    }

    private string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{program} {string.Join(' ', arguments)} did not finish");
        output.WriteLine($"$ {Path.GetFileName(program)} {string.Join(' ', arguments)}\n{stdout}{error.Result}");
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
        return stdout;
    }
}

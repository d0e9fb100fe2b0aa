using System.Diagnostics;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// The out-of-process pass: <see cref="MutantsPerFormat"/> mutants of each format given to the hourglass CLI as the
/// command that reads that format would get them. Allowed: exit 0, or a refusal as docs/cli.md describes it (one
/// 'error:' line, or infer's 'skipped:' lines with exit 2) and no stack trace.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CliFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Mutants per format in the CLI pass (each one is a process start).</summary>
    public const int MutantsPerFormat = 8;

    /// <summary>The most one CLI run may take.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Formats => [".hgw", ".dat", ".pt", "safetensors", ".npy", "PNG", "JPEG", "BMP", "annotations", "boxes"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Cli_succeeds_or_fails_with_one_line(string format)
    {
        string model = _temp.Write("good.hgw", Seeds.Model);
        string input = _temp.Write("good.npy", Seeds.Npy);
        string images = _temp.Folder("images");
        File.WriteAllBytes(Path.Combine(images, "a.png"), Seeds.Png(interlaced: false));
        var failures = new List<string>();
        int succeeded = 0, refused = 0;
        var worst = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (int index = 0; index < MutantsPerFormat; index++)
        {
            // Other indices than the in-process pass's: the CLI pass starts at 1,000,000.
            var random = new Random(unchecked((FuzzCampaign.Seed * 1_000_003) + 1_000_000 + index));
            string work = _temp.Folder($"{format.TrimStart('.')}-{index}");
            string[] arguments = format switch
            {
                ".hgw" => ["run", "--model", Write(work, "m.hgw", FormatMutants.Hgw(random)), "--input", input, "--output", Path.Combine(work, "o.npy"), "--threads", "1"],
                ".dat" => Convert(Write(work, "m.dat", FormatMutants.TorchSharp(random)), work),
                ".pt" => Convert(Write(work, "m.pt", FormatMutants.TorchZip(random)), work),
                "safetensors" => Convert(Write(work, "m.safetensors", FormatMutants.Safetensors(random)), work),
                ".npy" => ["run", "--model", model, "--input", Write(work, "m.npy", FormatMutants.Npy(random)), "--output", Path.Combine(work, "o.npy"), "--threads", "1"],
                "PNG" => Infer(model, Write(work, "m.png", ImageMutants.Png(random)), work),
                "JPEG" => Infer(model, Write(work, "m.jpg", ImageMutants.Jpeg(random)), work),
                "BMP" => Infer(model, Write(work, "m.bmp", ImageMutants.Bmp(random)), work),
                "annotations" => ["eval", "--model", model, "--annotations", Write(work, "m.json", JsonMutator.Mutate(Seeds.Annotations, random)),
                    "--images", images, "--no-flip", "--threads", "1"],
                _ => [.. Infer(model, images, work), "--boxes",
                    Write(work, "m.json", JsonMutator.Mutate(random.Next(2) == 0 ? Seeds.BoxesObjectForm : Seeds.BoxesArrayForm, random))],
            };
            var watch = Stopwatch.StartNew();
            using var process = HourglassCli.Start(arguments);
            CliRun run;
            try
            {
                run = process.WaitForExit(RunLimit);
            }
            catch (TimeoutException)
            {
                failures.Add($"format {format}, seed {FuzzCampaign.Seed}, CLI mutant {index}: no exit within {RunLimit.TotalSeconds:F0} s");
                continue;
            }
            watch.Stop();
            worst = watch.Elapsed > worst ? watch.Elapsed : worst;
            if (run.ExitCode == 0)
                succeeded++;
            else if (CleanRefusal(run))
                refused++;
            else
                failures.Add($"format {format}, seed {FuzzCampaign.Seed}, CLI mutant {index} (hourglass {string.Join(' ', arguments)}):\n{run}");
        }
        FuzzCampaign.Report(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"cli  {format,-12} mutants {MutantsPerFormat,5}  exit 0 {succeeded,5}  refused {refused,5}  other {failures.Count,3}  " +
            $"worst {worst.TotalMilliseconds,7:F0} ms  total {total.Elapsed.TotalSeconds,5:F1} s"), output);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>
    /// A refusal as docs/cli.md describes it, with no stack trace: exit 1 with one 'error:' line (convert-weights may list
    /// the checkpoint's problems under it, indented); exit 2 (an image could not be read) starting with a 'skipped:'
    /// line; exit 3 with one 'warning:' line about non-finite outputs.
    /// </summary>
    private static bool CleanRefusal(CliRun run)
    {
        string[] lines = run.Error.TrimEnd().Split('\n');
        if (run.Error.Contains("   at ", StringComparison.Ordinal) || run.Error.Contains("Unhandled", StringComparison.Ordinal) || lines[0].Length == 0)
            return false;
        return run.ExitCode switch
        {
            1 => lines[0].StartsWith("error: ", StringComparison.Ordinal) && lines.Skip(1).All(l => l.StartsWith("  ", StringComparison.Ordinal)),
            2 => lines[0].StartsWith("skipped: ", StringComparison.Ordinal),
            3 => lines.Length == 1 && lines[0].StartsWith("warning: ", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static string Write(string folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string[] Convert(string checkpoint, string work) =>
        ["convert-weights", "--checkpoint", checkpoint, "--out", Path.Combine(work, "o.hgw"), "--input-size", "64"];

    private static string[] Infer(string model, string input, string work) =>
        ["infer", "--model", model, input, "--out", Path.Combine(work, "poses"), "--no-flip", "--threads", "1"];
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HourglassSimd.Cli.Tests.Support;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// The README's embedding snippet, extracted from README.md, compiled as a console program against src/HourglassSimd
/// and src/HourglassSimd.Imaging (project references) and run on a bp-normalized model: it must build, and print the
/// model's normalization and the same left wrist as <c>hourglass infer</c>. Takes a build (about 30 s to a minute).
/// </summary>
public sealed partial class ReadmeSnippetTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_embedding_snippet_builds_runs_and_agrees_with_infer_on_a_bp_model()
    {
        string root = RepositoryPaths.Root;
        string snippet = EmbeddingSnippet(File.ReadAllText(Path.Combine(root, "README.md")));
        // The file names the snippet uses, and the box it estimates.
        Assert.Contains("\"hg2.hgw\"", snippet, StringComparison.Ordinal);
        Assert.Contains("\"photo.jpg\"", snippet, StringComparison.Ordinal);
        var boxMatch = BoxPattern().Match(snippet);
        Assert.True(boxMatch.Success, "the snippet's PersonBox.FromRectangle(x, y, w, h) was not found");
        string boxText = string.Join(",", Enumerable.Range(1, 4).Select(i => boxMatch.Groups[i].Value));
        float[] box = [.. boxText.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))];

        string program = _temp.Folder("snippet");
        new HourglassModelFile(TestModel.Architecture, HourglassWeights.CreateRandom(TestModel.Architecture, seed: 7),
            InputNormalization.MeanSubtracted, "readme test").Save(Path.Combine(program, "hg2.hgw"));
        string photo = TestImages.WriteJpeg(Path.Combine(program, "photo.jpg"), 200, 340, seed: 3);
        File.WriteAllText(Path.Combine(program, "Program.cs"), snippet);
        File.WriteAllText(Path.Combine(program, "Snippet.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <InvariantGlobalization>true</InvariantGlobalization>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Path.Combine(root, "src", "HourglassSimd", "HourglassSimd.csproj")}" />
                <ProjectReference Include="{Path.Combine(root, "src", "HourglassSimd.Imaging", "HourglassSimd.Imaging.csproj")}" />
              </ItemGroup>
            </Project>
            """);

        var (exitCode, stdout, stderr) = DotnetRun(program);
        output.WriteLine(stdout + stderr);
        Assert.True(exitCode == 0, $"dotnet run failed ({exitCode}):\n{stdout}\n{stderr}");

        // Another input size than the model's (64x64): a quarter of 128x192 per heatmap.
        var arch = TestModel.Architecture;
        Assert.Contains($"128x192 input: {arch.Stacks * arch.Joints * 32 * 48} heatmap values", stdout, StringComparison.Ordinal);

        // The model's normalization, without being told.
        Assert.Contains($"normalization {InputNormalization.MeanSubtracted}", stdout, StringComparison.Ordinal);
        var wrist = KeypointPattern().Match(stdout);
        Assert.True(wrist.Success, $"no keypoint in the output:\n{stdout}");
        Assert.Equal("left_wrist", wrist.Groups["name"].Value);
        float x = float.Parse(wrist.Groups["x"].Value, CultureInfo.InvariantCulture), y = float.Parse(wrist.Groups["y"].Value, CultureInfo.InvariantCulture);

        // hourglass infer on the same model, image and box, with the snippet's two threads.
        string results = _temp.Combine("infer", "results.json");
        var infer = HourglassCli.Run("infer", "--model", Path.Combine(program, "hg2.hgw"), photo, "--box", boxText, "--out", _temp.Combine("infer"), "--threads", "2");
        Assert.True(infer.ExitCode == 0, infer.ToString());
        int j = JointLayout.Mpii16.IndexOf("left_wrist");
        using var document = JsonDocument.Parse(File.ReadAllText(results));
        float[] keypoints = [.. document.RootElement[0].GetProperty("keypoints").EnumerateArray().Select(v => v.GetSingle())];
        Assert.Equal(keypoints[3 * j], x, 0.0051f);
        Assert.Equal(keypoints[3 * j + 1], y, 0.0051f);

        // pixel / 255 would have put the wrist elsewhere, so the agreement above means something.
        using var net = HourglassNetwork.Load(Path.Combine(program, "hg2.hgw"), new HourglassOptions { MaxDegreeOfParallelism = 2 });
        var pixelOver255 = new PoseEstimator(net, new PoseEstimatorOptions { Normalization = InputNormalization.Default })
            .Estimate(new ImageLoader().Load(photo), [PersonBox.FromRectangle(box[0], box[1], box[2], box[3])])[0]["left_wrist"];
        Assert.True(Math.Abs(pixelOver255.X - x) > 0.01f || Math.Abs(pixelOver255.Y - y) > 0.01f,
            $"pixel / 255 gives the same left wrist ({pixelOver255}); the test model does not tell the normalizations apart");
    }

    /// <summary>The first ```csharp block after the "## Embedding" heading.</summary>
    private static string EmbeddingSnippet(string readme)
    {
        int section = readme.IndexOf("\n## Embedding", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Embedding' section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(start >= 0, "the Embedding section has no ```csharp block");
        start += "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end] + "\n";
    }

    private static (int ExitCode, string Output, string Error) DotnetRun(string folder)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "run", "-c", "Release", "--project", Path.Combine(folder, "Snippet.csproj") })
            start.ArgumentList.Add(argument);
        // No build servers left running after the test; no first-run banner or telemetry in the output.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var error = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet run of the README snippet did not finish in 5 minutes");
        }
        return (process.ExitCode, stdout, error.Result);
    }

    [GeneratedRegex(@"PersonBox\.FromRectangle\((\d+), (\d+), (\d+), (\d+)\)")]
    private static partial Regex BoxPattern();

    [GeneratedRegex(@"Keypoint \{ X = (?<x>[-0-9.E+]+), Y = (?<y>[-0-9.E+]+), Confidence = [^,]+, Name = (?<name>\w+) \}")]
    private static partial Regex KeypointPattern();
}

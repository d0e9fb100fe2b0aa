using System.Diagnostics;

namespace HourglassSimd.Tools.Tests.Support;

/// <summary>The result of one <c>hourglass</c> process.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the real <c>hourglass</c> CLI (hourglass.dll next to the tests) in its own process.</summary>
public static class HourglassCli
{
    public static CliResult Run(params string[] arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "hourglass.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start hourglass");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            throw new TimeoutException($"hourglass {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        return new CliResult(process.ExitCode, output, error.Result);
    }

    /// <summary>Asserts a clean failure: exit code 1, an 'error:' message containing <paramref name="expected"/>, no stack trace.</summary>
    public static string AssertFails(CliResult result, string expected)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        return result.Error;
    }
}

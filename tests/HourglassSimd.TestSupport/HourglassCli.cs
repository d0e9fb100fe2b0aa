using System.Diagnostics;
using Xunit;

namespace HourglassSimd.TestSupport;

/// <summary>What one <c>hourglass</c> process did.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the built <c>hourglass</c> CLI (hourglass.dll next to the tests) as its own process, with stdout and stderr
/// redirected. Linked into every test project that drives the CLI.
/// </summary>
public static class HourglassCli
{
    public static CliRun Run(params string[] arguments)
    {
        using var process = Start(arguments);
        try
        {
            return process.WaitForExit(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"hourglass {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
    }

    /// <summary>Starts the CLI without waiting for it (<see cref="CliProcess"/>: signal it, wait for its exit).</summary>
    public static CliProcess Start(params string[] arguments)
    {
        CliProcess.AllowInterruptInChildren();
        string dll = Path.Combine(AppContext.BaseDirectory, "hourglass.dll");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start hourglass"));
    }

    /// <summary>
    /// Asserts a clean failure: exit code 1, an 'error:' message containing <paramref name="expected"/>, no stack
    /// trace; on one line unless <paramref name="singleLine"/> is false (a list of problems). Returns the message.
    /// </summary>
    public static string AssertFails(CliRun run, string expected, bool singleLine = true)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        string error = run.Error.Trim();
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        if (singleLine)
            Assert.DoesNotContain('\n', error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        return run.Error;
    }
}

using System.Diagnostics;

namespace HourglassSimd.Training.Tests;

/// <summary>What one trainer process did.</summary>
public sealed record TrainerRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the real console entry point (hourglass-train.dll sits next to the tests) as a child process.</summary>
public static class TrainerProcess
{
    /// <summary>The oneDNN variables are removed from the child's environment unless <paramref name="environment"/> sets them.</summary>
    public static TrainerRun Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "hourglass-train.dll");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in new[] { OneDnnIsaCap.OptionVariable, OneDnnIsaCap.OneDnnVariable, OneDnnIsaCap.DnnlVariable, "ONEDNN_VERBOSE", "DNNL_VERBOSE", GcQuietStep.SwitchVariable, "DOTNET_GCgen0size" })
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the trainer");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the trainer ({string.Join(' ', arguments)}) did not finish in 3 minutes");
        }

        return new TrainerRun(process.ExitCode, output, error.Result);
    }
}

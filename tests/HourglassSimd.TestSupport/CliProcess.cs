using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HourglassSimd.TestSupport;

/// <summary>
/// A running <c>hourglass</c> process (<see cref="HourglassCli.Start"/>) with stdout and stderr collected in the
/// background, for tests that act on it while it runs: send it a signal, then wait for its exit. Killed on dispose if
/// it is still running.
/// </summary>
public sealed class CliProcess : IDisposable
{
    /// <summary>Signal numbers, the same on Linux and macOS.</summary>
    public const int SigInt = 2, SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Thread[] _readers;

    internal CliProcess(Process process)
    {
        _process = process;
        // A thread per stream, not the thread pool: many CLI tests run at once and each blocks on its streams.
        _readers = [Reader(process.StandardOutput, _output), Reader(process.StandardError, _error)];
        foreach (var reader in _readers)
            reader.Start();
    }

    /// <summary>What the process has written to stderr so far.</summary>
    public string ErrorSoFar
    {
        get
        {
            lock (_error)
                return _error.ToString();
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Sends <paramref name="signal"/> (<see cref="SigInt"/>, <see cref="SigTerm"/>) to the process.</summary>
    public void Signal(int signal)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("POSIX signals need Linux or macOS.");
        if (Kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the exit and returns what the process did; kills it and throws after <paramref name="timeout"/>.</summary>
    public CliRun WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hourglass did not exit within {timeout.TotalSeconds:F0} s");
        }
        foreach (var reader in _readers)
            reader.Join(); // the redirected streams are complete
        lock (_output)
            lock (_error)
                return new CliRun(_process.ExitCode, _output.ToString(), _error.ToString());
    }

    /// <summary>
    /// Makes sure that processes started from now on can receive SIGINT. A non-interactive shell starts background jobs
    /// with SIGINT ignored, exec keeps it ignored, and .NET then leaves it so: a test run started that way would pass
    /// the ignored SIGINT on to the CLI, which would never see it. Only an ignored SIGINT is changed (to the default);
    /// a handler, such as the runtime's own, is left alone.
    /// </summary>
    internal static void AllowInterruptInChildren()
    {
        if (OperatingSystem.IsWindows())
            return;
        lock (SignalGate)
        {
            // struct sigaction starts with the handler on Linux and macOS; the buffer is larger than the struct.
            var current = new byte[512];
            if (SigAction(SigInt, IntPtr.Zero, current) == 0 && BitConverter.ToInt64(current, 0) == SignalIgnored)
                SetSignalHandler(SigInt, SignalDefault);
        }
    }

    // Reads a stream to its end as it comes, keeping its text exactly (progress bars use '\r').
    private static Thread Reader(StreamReader stream, StringBuilder text) => new(() =>
    {
        var buffer = new char[4096];
        int count;
        while ((count = stream.Read(buffer)) > 0)
        {
            lock (text)
                text.Append(buffer, 0, count);
        }
    }) { IsBackground = true };

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private const long SignalIgnored = 1; // SIG_IGN
    private static readonly IntPtr SignalDefault = IntPtr.Zero; // SIG_DFL
    private static readonly object SignalGate = new();

    // DllImport rather than LibraryImport: the support project compiles without unsafe code.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static extern int SigAction(int signal, IntPtr action, byte[] oldAction);

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern IntPtr SetSignalHandler(int signal, IntPtr handler);
}

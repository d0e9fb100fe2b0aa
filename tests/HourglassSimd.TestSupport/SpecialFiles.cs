using System.Diagnostics;

namespace HourglassSimd.TestSupport;

/// <summary>Device nodes and FIFOs for the tests of non-regular inputs and outputs (Unix only; see <see cref="UnixFileSystemFactAttribute"/>).</summary>
public static class SpecialFiles
{
    /// <summary>A character device every Linux and macOS system has.</summary>
    public const string NullDevice = "/dev/null";

    /// <summary>An endless character device.</summary>
    public const string ZeroDevice = "/dev/zero";

    /// <summary>Whether this system has the device nodes and the <c>mkfifo</c> tool the tests need.</summary>
    public static bool Available =>
        !OperatingSystem.IsWindows() && File.Exists(NullDevice) && File.Exists(ZeroDevice) && MkfifoPath is not null;

    private static string? MkfifoPath => new[] { "/usr/bin/mkfifo", "/bin/mkfifo" }.FirstOrDefault(File.Exists);

    /// <summary>Creates a FIFO (named pipe) at <paramref name="path"/> with <c>mkfifo</c> and returns the path.</summary>
    public static string MakeFifo(string path)
    {
        var start = new ProcessStartInfo(MkfifoPath ?? throw new InvalidOperationException("mkfifo is not available")) { UseShellExecute = false };
        start.ArgumentList.Add(path);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mkfifo");
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"mkfifo {path} failed with exit code {process.ExitCode}");
        return path;
    }
}

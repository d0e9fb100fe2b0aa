using System.Runtime.InteropServices;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancelled <see cref="Token"/> instead of the runtime's immediate
/// exit, so that a command can stop between items, keep what it finished and exit with
/// <see cref="Pose.ExitCodes.Interrupted"/>. A second signal is left to the runtime, which ends the process at once
/// (a way out when the item in progress takes long).
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration? _terminate;
    private readonly Lock _gate = new(); // signal handlers run on their own thread
    private bool _disposed;

    public InterruptSignals()
    {
        // Ctrl+C and SIGINT through the console event (it covers Windows too); SIGTERM needs its own registration.
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
    }

    /// <summary>Cancelled by the first interrupt.</summary>
    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate?.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _source.Dispose();
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Interrupt();

    private void OnTerminate(PosixSignalContext context) => context.Cancel = Interrupt();

    // True (keep running, the command stops by itself) for the first signal; false (let the runtime end the process)
    // for any later one, or once the command is over.
    private bool Interrupt()
    {
        lock (_gate)
        {
            if (_disposed || _source.IsCancellationRequested)
                return false;
            _source.Cancel();
            return true;
        }
    }
}

using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// Runs a command: turns its expected failures into one line on stderr and exit code 1 (no stack trace), and an
/// interrupt (SIGINT, SIGTERM; <see cref="InterruptSignals"/>) into a cancelled token and exit code 130.
/// </summary>
internal static class CliErrors
{
    /// <summary>
    /// Runs <paramref name="action"/> with a token that the first interrupt cancels. The command checks it between
    /// items, prints what it kept and returns <see cref="ExitCodes.Interrupted"/>; a cancellation it lets escape ends
    /// here with a plain <c>interrupted</c> line and the same code.
    /// </summary>
    public static int Run(Func<CancellationToken, int> action)
    {
        using var interrupt = new InterruptSignals();
        try
        {
            return action(interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: nothing written");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException
                                     or UnauthorizedAccessException or NotSupportedException or OutOfMemoryException)
        {
            // ArgumentException appends " (Parameter 'name')", and ArgumentOutOfRangeException an "Actual value was ..."
            // line: keep the sentence.
            string message = e is ArgumentOutOfRangeException ? e.Message.Split('\n')[0] : e.Message;
            if (e is ArgumentException { ParamName: { } name })
                message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
            Console.Error.WriteLine($"error: {message}");
            return ExitCodes.Failure;
        }
    }
}

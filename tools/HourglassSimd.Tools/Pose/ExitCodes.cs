namespace HourglassSimd.Tools.Pose;

/// <summary>Process exit codes of the commands (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Every input was processed.</summary>
    public const int Success = 0;

    /// <summary>Bad arguments, a missing input, or a model or annotation file that cannot be read: nothing useful was done.</summary>
    public const int Failure = 1;

    /// <summary>The run finished, but some images could not be read (each is reported on stderr).</summary>
    public const int SomeImagesFailed = 2;

    /// <summary>
    /// The run finished and wrote its outputs, but some of them are not finite (NaN or infinity): the model's weights
    /// overflow. One warning line on stderr says how many. Takes precedence over <see cref="SomeImagesFailed"/>.
    /// </summary>
    public const int NonFiniteOutput = 3;

    /// <summary>
    /// Stopped by SIGINT (Ctrl+C) or SIGTERM: the command finished or discarded the item in progress and kept what it
    /// had completed (128 + SIGINT, as a shell reports a process ended by Ctrl+C).
    /// </summary>
    public const int Interrupted = 130;
}

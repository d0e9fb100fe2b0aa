namespace HourglassSimd.Training;

/// <summary>A problem the user can fix (bad argument, missing file, bad annotation); printed as one line, no stack trace.</summary>
public sealed class TrainingException : Exception
{
    /// <summary>Process exit code for bad command-line arguments.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Process exit code for every other failure.</summary>
    public const int FailureExitCode = 1;

    public TrainingException(string message, bool isUsageError = false)
        : base(message)
    {
        IsUsageError = isUsageError;
    }

    public TrainingException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public bool IsUsageError { get; }

    public int ExitCode => IsUsageError ? UsageExitCode : FailureExitCode;
}

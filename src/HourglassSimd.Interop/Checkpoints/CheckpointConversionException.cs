namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// A checkpoint was read but does not make a network: its architecture cannot be inferred or disagrees with what was
/// asked, or tensors are missing, unexpected, mis-shaped, of a wrong type or hold NaN or infinity. Lists every problem.
/// </summary>
public sealed class CheckpointConversionException : IOException
{
    /// <summary>Creates the exception for a single problem.</summary>
    public CheckpointConversionException(string problem)
        : base(problem)
    {
        Problems = [problem];
    }

    /// <summary>Creates the exception listing <paramref name="problems"/> against <paramref name="architecture"/>.</summary>
    public CheckpointConversionException(HourglassArchitecture architecture, IReadOnlyList<string> problems)
        : base(Describe(architecture, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(HourglassArchitecture architecture, IReadOnlyList<string> problems) =>
        $"the checkpoint does not fit a network of {architecture}: {WeightsMismatchException.ListProblems(problems)}";
}

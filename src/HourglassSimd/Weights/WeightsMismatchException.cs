namespace HourglassSimd;

/// <summary>The weights do not fit the architecture: tensors missing, left over, mis-shaped or non-finite.</summary>
public sealed class WeightsMismatchException : ArgumentException
{
    private const int ListedProblems = 20;

    internal WeightsMismatchException(HourglassArchitecture architecture, IReadOnlyList<string> problems)
        : base(Describe(architecture, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(HourglassArchitecture architecture, IReadOnlyList<string> problems) =>
        $"The weights do not fit the architecture ({architecture}): {ListProblems(problems)}";

    /// <summary>"N problem(s):" and the first 20 problems, one indented line each (also used by the checkpoint converter).</summary>
    public static string ListProblems(IReadOnlyList<string> problems)
    {
        var lines = problems.Take(ListedProblems).Select(p => "  - " + p);
        string more = problems.Count > ListedProblems ? $"{Environment.NewLine}  ... and {problems.Count - ListedProblems} more" : "";
        return $"{problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, lines) + more;
    }
}

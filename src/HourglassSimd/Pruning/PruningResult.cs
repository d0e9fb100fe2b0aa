namespace HourglassSimd.Pruning;

/// <summary>A pruned network: its architecture (with <see cref="HourglassArchitecture.Widths"/>), its weights in the form given, and the counts before and after.</summary>
public sealed record PruningResult(
    HourglassArchitecture Architecture,
    HourglassWeights Weights,
    long MacsBefore,
    long MacsAfter,
    long ParametersBefore,
    long ParametersAfter,
    IReadOnlyList<PrunedModule> Modules);

namespace HourglassSimd.Pruning;

/// <summary>
/// A pruned network: its architecture (with <see cref="HourglassArchitecture.Widths"/> and
/// <see cref="HourglassArchitecture.StemChannels"/>), its weights in the form given, the counts before and after, and
/// the stem convolution's outputs before (after: <c>Architecture.StemChannels</c>).
/// </summary>
public sealed record PruningResult(
    HourglassArchitecture Architecture,
    HourglassWeights Weights,
    long MacsBefore,
    long MacsAfter,
    long ParametersBefore,
    long ParametersAfter,
    IReadOnlyList<PrunedModule> Modules,
    int StemChannelsBefore);

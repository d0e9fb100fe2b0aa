using System.Globalization;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>A format's figures after its campaign (the per-format line of docs/reliability.md).</summary>
public sealed record FuzzSummary(string Format, int Mutants, int Succeeded, int TypedErrors, int Other, TimeSpan WorstTime, long WorstAllocatedBytes,
    long PeakWorkingSetBytes, TimeSpan Total)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"fuzz {Format,-12} mutants {Mutants,5}  succeeded {Succeeded,5}  typed error {TypedErrors,5}  other {Other,3}  " +
        $"worst {WorstTime.TotalMilliseconds,7:F1} ms  worst alloc {WorstAllocatedBytes / 1048576.0,7:F1} MiB  " +
        $"process peak {PeakWorkingSetBytes / 1048576.0,6:F0} MiB  total {Total.TotalSeconds,5:F1} s");
}

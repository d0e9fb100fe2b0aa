using System.Globalization;

namespace HourglassSimd.Training;

/// <summary>
/// One line of <see cref="OneDnnSelfCheck"/>: the worst relative error of an operation's float32 result against float64,
/// forward (the output) and backward (every input's gradient), over the repeats.
/// </summary>
/// <remarks>A non-finite float32 result counts as an infinite error, so NaN never passes.</remarks>
public sealed record SelfCheckRow(string Op, string Input, double Forward, double Backward, double Tolerance)
{
    public bool Passed => Forward <= Tolerance && Backward <= Tolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Op,-28} {Input,-14} {Forward,10:0.0e+00} {Backward,10:0.0e+00} {Tolerance,10:0.0e+00}  {(Passed ? "ok" : "FAIL")}");
}

using System.Globalization;
using System.Text;

namespace HourglassSimd.Training;

/// <summary>The outcome of <see cref="OneDnnSelfCheck.Run"/>, printable as a table.</summary>
public sealed record SelfCheckReport(IReadOnlyList<SelfCheckRow> Rows, int Threads, LibTorchOneDnn OneDnn, OneDnnIsaCap IsaCap, int Repeats)
{
    public bool Passed => Rows.All(r => r.Passed);

    public IEnumerable<SelfCheckRow> Failures => Rows.Where(r => !r.Passed);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"oneDNN self-check: float32 (libtorch's default CPU path, {Threads} threads) against float64 (no oneDNN), worst of {Repeats} runs"));
        text.AppendLine($"{OneDnn.Description}; {IsaCap.Description}");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{"op",-28} {"input",-14} {"forward",10} {"backward",10} {"tolerance",10}"));
        foreach (SelfCheckRow row in Rows)
        {
            text.AppendLine(row.ToString());
        }

        int failed = Rows.Count(r => !r.Passed);
        text.Append(failed == 0
            ? string.Create(CultureInfo.InvariantCulture, $"all {Rows.Count} checks within tolerance")
            : string.Create(CultureInfo.InvariantCulture, $"{failed} of {Rows.Count} checks FAILED: {string.Join(", ", Failures.Select(r => $"{r.Op} {r.Input}"))}"));
        return text.ToString();
    }
}

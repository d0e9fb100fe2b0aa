using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HourglassSimd.Benchmarks.Reporting;

/// <summary>
/// GFLOPS = FLOPs of one invocation (from the case's <see cref="IFlopCount"/> parameter) / mean time. FLOPs are the
/// direct-convolution count (2 × MACs), so an engine that does less arithmetic (Winograd) shows "effective" GFLOPS.
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOPS";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Direct-convolution FLOPs (2 x MACs) per invocation / mean time, in 1e9 per second";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var flops = benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IFlopCount>().FirstOrDefault();
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (flops is null || statistics is null || statistics.Mean <= 0)
            return "-";
        // FLOPs per nanosecond is GFLOPS.
        return (flops.Flops / statistics.Mean).ToString("F1", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}

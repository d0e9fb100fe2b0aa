using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;

namespace HourglassSimd.Benchmarks.Reporting;

/// <summary>The configuration every benchmark here runs with: the defaults (which export GitHub markdown) plus GFLOPS (each class adds [MemoryDiagnoser]).</summary>
public static class BenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddColumn(new GflopsColumn())
        .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend).WithMaxParameterColumnWidth(40));
}

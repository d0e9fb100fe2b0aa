using BenchmarkDotNet.Running;
using HourglassSimd.Benchmarks.Reporting;

namespace HourglassSimd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- --filter '*EndToEnd*'</c>;
/// <c>--filter '*Conv3x3*'</c>, <c>'*Conv1x1*'</c> or <c>'*StemConv*'</c> for the kernels, <c>--job short</c> for a
/// quicker run, <c>--list flat</c> to list them.
/// </summary>
public static class BenchmarkProgram
{
    // An explicit class: the CLI assembly referenced here has a top-level-statement Program of its own.
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, BenchmarkConfig.Create());
}

using BenchmarkDotNet.Running;
using HourglassSimd.Benchmarks.Comparison;
using HourglassSimd.Benchmarks.Peak;
using HourglassSimd.Benchmarks.Reporting;

namespace HourglassSimd.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- compare [options]</c>: HourglassSimd against
/// ONNX Runtime and TorchSharp, interleaved in one run (see <see cref="CompareCommand"/>); <c>-- compare-models</c>:
/// several .hgw models side by side, interleaved (<see cref="CompareModelsCommand"/>); <c>-- peak</c>: the float and
/// integer multiply-accumulate peaks of this CPU (<see cref="PeakCommand"/>). Anything else goes to
/// BenchmarkDotNet: <c>-- --filter '*EndToEnd*'</c>; <c>--filter '*Conv3x3*'</c>, <c>'*Conv1x1*'</c> or
/// <c>'*StemConv*'</c> for the kernels, <c>--job short</c> for a quicker run, <c>--list flat</c> to list them.
/// </summary>
public static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare")
            return CompareCommand.Create().Parse(args[1..]).Invoke();
        if (args.Length > 0 && args[0] == "compare-models")
            return CompareModelsCommand.Create().Parse(args[1..]).Invoke();
        if (args.Length > 0 && args[0] == "peak")
            return PeakCommand.Create().Parse(args[1..]).Invoke();
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, BenchmarkConfig.Create());
        return 0;
    }
}

using System.CommandLine;
using System.Globalization;
using HourglassSimd.Diagnostics;

namespace HourglassSimd.Benchmarks.Peak;

/// <summary>
/// <c>dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- peak</c>: the float FMA peak of every vector
/// width and the integer multiply-accumulate peak of every <see cref="IntegerDotProduct"/> sequence this CPU runs,
/// measured interleaved in rounds (so a change of machine state shows as spread, not as a false ratio), on 1 thread
/// and on all processors. It answers the first question of a quantized kernel: how much faster an int8 or int16
/// multiply-accumulate runs than a float FMA here.
/// </summary>
internal static class PeakCommand
{
    public static RootCommand Create()
    {
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds; each measures every path once.", DefaultValueFactory = _ => 3 };
        var milliseconds = new Option<int>("--ms") { Description = "Target length of one measurement in milliseconds.", DefaultValueFactory = _ => 200 };
        var command = new RootCommand("""
            Measures the peak float FMA rate of Vector512, Vector256 and Vector128, and the peak integer multiply-accumulate
            rate of vpdpbusd / vpdpwssd (AVX-VNNI) and the vpmaddubsw + vpmaddwd pairs (AVX512BW, AVX2), interleaved, on
            1 thread and on all processors. Prints the median of the rounds and the integer rates over the best float rate.
            Example: dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- peak --rounds 5
            """)
        {
            rounds, milliseconds,
        };
        command.SetAction(result => Execute(result.GetValue(rounds), result.GetValue(milliseconds)));
        return command;
    }

    private static int Execute(int rounds, int milliseconds)
    {
        if (rounds < 1 || milliseconds < 10)
        {
            Console.Error.WriteLine("error: --rounds must be at least 1 and --ms at least 10.");
            return 1;
        }

        var duration = TimeSpan.FromMilliseconds(milliseconds);
        var floats = new[] { KernelIsa.Vector512, KernelIsa.Vector256, KernelIsa.Vector128 }.Where(HourglassOptions.IsAccelerated).ToArray();
        var integers = IntegerDotProducts.All.Where(IntegerDotProducts.IsSupported).ToArray();
        var missing = IntegerDotProducts.All.Except(integers).ToArray();
        Console.WriteLine($"CPU: {Environment.ProcessorCount} processors; float paths: {string.Join(", ", floats)}; " +
            $"integer paths: {(integers.Length == 0 ? "none" : string.Join(", ", integers))}; " +
            $"unsupported here: {(missing.Length == 0 ? "none" : string.Join(", ", missing))}");

        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            var samples = new Dictionary<string, List<double>>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (KernelIsa isa in floats)
                    Add(samples, $"float32 FMA {isa}", PeakFlops.Measure(isa, threads, duration));
                foreach (IntegerDotProduct path in integers)
                    Add(samples, path.ToString(), PeakIntegerOps.Measure(path, threads, duration));
            }

            double bestFloat = floats.Length == 0 ? 0 : floats.Max(isa => Median(samples[$"float32 FMA {isa}"]));
            Console.WriteLine();
            Console.WriteLine($"{threads} thread{(threads == 1 ? "" : "s")}, {rounds} rounds: median G(FL)OPS (min-max), and over the best float32");
            foreach ((string name, List<double> values) in samples)
            {
                double median = Median(values);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-28} {median,8:F1}  ({values.Min():F1}-{values.Max():F1})  {(bestFloat > 0 ? median / bestFloat : double.NaN),5:F2}x"));
            }
        }
        return 0;
    }

    private static void Add(Dictionary<string, List<double>> samples, string name, double value)
    {
        if (!samples.TryGetValue(name, out var list))
            samples[name] = list = [];
        list.Add(value);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

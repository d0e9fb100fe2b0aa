using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using HourglassSimd.Diagnostics;

namespace HourglassSimd.Tools.Commands;

/// <summary><c>hourglass bench</c>: median and min latency of one forward pass, GFLOPS and the share of measured peak.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var stacks = new Option<int>("--stacks") { Description = "Number of stacks.", DefaultValueFactory = _ => 2 };
        var features = new Option<int>("--features") { Description = "Feature width.", DefaultValueFactory = _ => 256 };
        var joints = new Option<int>("--joints") { Description = "Heatmaps per stack.", DefaultValueFactory = _ => 16 };
        var size = new Option<int>("--size") { Description = "Input height and width (multiple of 64).", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = new Option<int>("--runs") { Description = "Timed forward passes (after 3 warm-up passes).", DefaultValueFactory = _ => 20 };
        var isa = new Option<KernelIsa>("--isa") { Description = "Kernel path: Auto, Scalar, Vector256, Vector512.", DefaultValueFactory = _ => KernelIsa.Auto };
        var convolution = new Option<ConvolutionMode>("--convolution") { Description = "Fastest (Winograd where it pays) or DirectOnly.", DefaultValueFactory = _ => ConvolutionMode.Fastest };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        var profile = new Option<bool>("--profile") { Description = "Also print time and GFLOPS per kind of layer (one image)." };
        var command = new Command("bench", """
            Times forward passes of a network with seeded random weights and prints median and min milliseconds,
            GFLOPS (2 × MACs / time) and the fraction of this machine's measured peak FMA throughput.
            Example: hourglass bench --stacks 8 --threads 2 --runs 10 --json bench.json
            """)
        {
            stacks, features, joints, size, batch, threads, runs, isa, convolution, json, profile,
        };
        command.SetAction(result => CliErrors.Run(() => Execute(
            result.GetValue(stacks), result.GetValue(features), result.GetValue(joints), result.GetValue(size), result.GetValue(batch),
            result.GetValue(threads), result.GetValue(runs), result.GetValue(isa), result.GetValue(convolution), result.GetValue(json), result.GetValue(profile))));
        return command;
    }

    private static int Execute(int stacks, int features, int joints, int size, int batch, int threads, int runs, KernelIsa isa, ConvolutionMode convolution, FileInfo? json, bool profile)
    {
        if (batch < 1) throw new ArgumentException("--batch must be at least 1.");
        if (runs < 1) throw new ArgumentException("--runs must be at least 1.");
        var arch = new HourglassArchitecture(stacks, features, joints, size, size);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 1, new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = threads, Convolution = convolution });
        var random = new Random(2);
        var input = new float[batch * arch.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();
        var output = new float[net.OutputLength(batch)];

        Console.WriteLine($"network: {arch}, {net.ParameterCount:N0} parameters, {net.MacCountPerImage / 1e9:F3} G MACs per image");
        Console.WriteLine($"engine:  HourglassSimd {net.Isa} {convolution}, {net.ThreadCount} thread(s), batch {batch}, activations {net.ActivationBytes / 1048576.0:F1} MiB per run");
        for (int i = 0; i < 3; i++)
            net.Run(input, output);
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            net.Run(input, output);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
        double gflops = 2.0 * net.MacCountPerImage * batch / (median / 1000) / 1e9;
        double? peak = net.Isa == KernelIsa.Scalar ? null : PeakFlops.Measure(net.Isa, net.ThreadCount);

        Console.WriteLine();
        Console.WriteLine($"{"engine",-14} {"isa",-10} {"stacks",6} {"batch",5} {"threads",7} {"median ms",10} {"min ms",9} {"GFLOPS",8} {"% peak",7}");
        string share = peak is { } p ? $"{100 * gflops / p,6:F1}%" : "      -";
        Console.WriteLine($"{"HourglassSimd",-14} {net.Isa,-10} {stacks,6} {batch,5} {net.ThreadCount,7} {median,10:F2} {times[0],9:F2} {gflops,8:F1} {share}");
        if (peak is { } measured)
            Console.WriteLine($"measured peak ({net.Isa} FMA loop, {net.ThreadCount} thread(s)): {measured:F1} GFLOPS");

        if (profile)
            PrintProfile(net, input.AsSpan(0, arch.InputSizePerImage), runs);

        if (json is not null)
        {
            var record = new
            {
                engine = "HourglassSimd", isa = net.Isa.ToString(), convolution = convolution.ToString(), stacks, features, joints, input = size, batch, threads = net.ThreadCount,
                runs, median_ms = median, min_ms = times[0], gflops, peak_gflops = peak,
            };
            File.WriteAllText(json.FullName, JsonSerializer.Serialize(new[] { record }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {json.FullName}");
        }
        return 0;
    }

    /// <summary>Per kind of layer (same description): count, total median ms, share of the pass and GFLOPS.</summary>
    private static void PrintProfile(HourglassNetwork net, ReadOnlySpan<float> image, int runs)
    {
        var layers = net.ProfileLayers(image, runs);
        double total = layers.Sum(l => l.MedianMs);
        Console.WriteLine();
        Console.WriteLine($"profile (1 image, median of {runs}; sum of layers {total:F2} ms):");
        Console.WriteLine($"{"layer",-34} {"count",5} {"ms",8} {"share",6} {"GFLOPS",8}");
        foreach (var group in layers.GroupBy(l => l.Layer).OrderByDescending(g => g.Sum(l => l.MedianMs)))
        {
            double ms = group.Sum(l => l.MedianMs);
            long macs = group.Sum(l => l.Macs);
            string gflops = macs > 0 ? $"{2.0 * macs / (ms / 1000) / 1e9,8:F1}" : "       -";
            Console.WriteLine($"{group.Key,-34} {group.Count(),5} {ms,8:F3} {100 * ms / total,5:F1}% {gflops}");
        }
    }
}

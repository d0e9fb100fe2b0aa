using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using HourglassSimd.Diagnostics;
using HourglassSimd.Tools.Pose;
using HourglassSimd.IO;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass bench</c>: median and min latency of one forward pass of the engine; GFLOPS, share of measured peak,
/// memory, and a per-layer profile. The comparison with ONNX Runtime and TorchSharp lives in bench/ (the comparison
/// runner), so that this tool carries no native dependency.
/// </summary>
internal static class BenchCommand
{
    private const int WarmupRuns = 3;

    /// <summary>The largest batch bench times (its input and heatmaps are allocated up front).</summary>
    private const int MaxBatch = 256;

    public static Command Create()
    {
        var stacks = new Option<int>("--stacks") { Description = "Number of stacks.", DefaultValueFactory = _ => 2 };
        var features = new Option<int>("--features") { Description = "Feature width.", DefaultValueFactory = _ => 256 };
        var joints = new Option<int>("--joints") { Description = "Heatmaps per stack.", DefaultValueFactory = _ => 16 };
        var shape = new ShapeOptions();
        var size = new Option<string?>("--size") { HelpName = "size", Description = $"Input size: {InputSize.Syntax}. Default: the model's own size with --model, else 256." };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass, for every engine.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = new Option<int>("--runs") { Description = $"Timed forward passes per engine (after {WarmupRuns} warm-up passes), spread over up to 5 interleaved rounds.", DefaultValueFactory = _ => 20 };
        var isa = EnumOption.Create("--isa", KernelIsa.Auto, "HourglassSimd kernel path: Auto, Scalar, Vector128, Vector256, Vector512.");
        var convolution = EnumOption.Create("--convolution", ConvolutionMode.Fastest, "HourglassSimd: Fastest (Winograd where it pays) or DirectOnly.");
        var model = new Option<string?>("--model") { HelpName = "model.hgw", Arity = ArgumentArity.ZeroOrOne, Description = "Time this .hgw model instead of seeded random weights (HourglassSimd only); a bare --model times the shipped demo model." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        var profile = new Option<bool>("--profile") { Description = "Also print HourglassSimd's time, GFLOPS and megabytes moved per kind of layer (one image), and the pass's memory traffic." };
        var command = new Command("bench", """
            Times forward passes of the engine and prints the median and min milliseconds, GFLOPS (2 × MACs / time) and
            the share of this machine's measured peak FMA throughput. Without --model the network has seeded random
            weights. To compare with ONNX Runtime and TorchSharp, use the comparison runner in bench/ (docs/benchmarks.md).
            Example: hourglass bench --stacks 8 --threads 2 --runs 10 --json bench.json
            """)
        {
            stacks, features, joints, size, batch, threads, runs, isa, convolution, model, json, profile,
        };
        foreach (var option in shape.All)
            command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(cancellation => Execute(new Settings(result, shape,
            result.GetValue(stacks), result.GetValue(features), result.GetValue(joints), InputSize.ParseOptional(result.GetValue(size), "--size"), result.GetValue(batch),
            result.GetValue(threads), result.GetValue(runs), result.GetValue(isa), result.GetValue(convolution), result.GetResult(model) is null ? null : ShippedModel.Resolve(result.GetValue(model)),
            result.GetValue(json), result.GetValue(profile)), cancellation)));
        return command;
    }

    private sealed record Settings(ParseResult Parsed, ShapeOptions Shape, int Stacks, int Features, int Joints, InputSize? Size, int Batch, int Threads, int Runs, KernelIsa Isa,
        ConvolutionMode Convolution, string? Model, FileInfo? Json, bool Profile);

    private sealed record Result(string Description, double MedianMs, double MinMs, double Gflops);

    private static int Execute(Settings s, CancellationToken cancellation)
    {
        if (s.Batch < 1 || s.Batch > MaxBatch) throw new ArgumentException($"--batch is {s.Batch}; it must be from 1 to {MaxBatch}.");
        if (s.Runs < 1) throw new ArgumentException("--runs must be at least 1.");
        ThreadCount.Check(s.Threads);
        HourglassModelFile file;
        if (s.Model is not null)
        {
            file = ModelLoading.Load(s.Model);
            if (s.Size is { } size)
                file = file.WithInputSize(size.Height, size.Width); // same weights: the network is fully convolutional
        }
        else
        {
            var size = s.Size ?? new InputSize(256, 256);
            var shape = s.Shape.Apply(new HourglassArchitecture(s.Stacks, s.Features, s.Joints, size.Height, size.Width), s.Parsed);
            file = new HourglassModelFile(shape, HourglassWeights.CreateRandom(shape, seed: 1));
        }
        var arch = file.Architecture;
        var random = new Random(2);
        var input = new float[s.Batch * arch.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();

        // A quantized model runs quantized (its network's int8 path is in the description).
        using var network = file.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = s.Threads, Isa = s.Isa, Convolution = s.Convolution });
        var output = new float[network.OutputLength(s.Batch)];
        long macs = network.MacCountPerImage * s.Batch;
        string kernels = network.QuantizedKernels is { } quantized ? quantized : $"{network.Isa}, {s.Convolution}";
        string description = $"HourglassSimd {typeof(HourglassNetwork).Assembly.GetName().Version}, {kernels}, {network.ThreadCount} thread(s)";
        if (s.Model is not null)
            Console.WriteLine($"model: {s.Model}");
        Console.WriteLine($"network: {arch}, {network.ParameterCount:N0} parameters, {macs / s.Batch / 1e9:F3} G MACs per image, batch {s.Batch}");

        // An interrupt stops the timing between passes (CliErrors reports it; no figures are printed or written).
        var result = Time(() =>
        {
            cancellation.ThrowIfCancellationRequested();
            network.Run(input, output);
        }, s.Runs, macs, description);
        double? peak = network.Isa == KernelIsa.Scalar ? null : PeakFlops.Measure(network.Isa, s.Threads);
        long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;

        Console.WriteLine();
        Console.WriteLine(description);
        Console.WriteLine();
        Console.WriteLine($"{"stacks",6} {"batch",5} {"threads",7} {"median ms",10} {"min ms",9} {"GFLOPS",8} {"% peak",7}");
        string share = peak is { } p ? $"{100 * result.Gflops / p,6:F1}%" : "      -";
        Console.WriteLine($"{arch.Stacks,6} {s.Batch,5} {s.Threads,7} {result.MedianMs,10:F2} {result.MinMs,9:F2} {result.Gflops,8:F1} {share}");
        if (peak is { } measured)
            Console.WriteLine($"measured peak ({network.Isa} FMA loop, {s.Threads} thread(s)): {measured:F1} GFLOPS");
        Console.WriteLine($"activations: {network.ActivationBytes / 1048576.0:F1} MiB per concurrent run; process peak working set {peakWorkingSet / 1048576.0:F0} MiB");

        if (s.Profile)
            PrintProfile(network, input.AsSpan(0, arch.InputSizePerImage), s.Runs);

        if (s.Json is not null)
        {
            var record = new
            {
                engine = "HourglassSimd", description, stacks = arch.Stacks, features = arch.Features, joints = arch.Joints,
                input = arch.InputHeight, input_width = arch.InputWidth, batch = s.Batch, threads = s.Threads, runs = s.Runs,
                median_ms = result.MedianMs, min_ms = result.MinMs, gflops = result.Gflops, peak_gflops = peak,
            };
            AtomicFile.WriteAllText(s.Json.FullName, JsonSerializer.Serialize(new[] { record }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {s.Json.FullName}");
        }
        return 0;
    }

    /// <summary>
    /// Times <paramref name="run"/> <paramref name="runs"/> times after warm-up passes, in up to 5 blocks each preceded
    /// by a pause and one untimed pass (so the workers are awake but the machine has settled).
    /// </summary>
    private static Result Time(Action run, int runs, long macs, string description)
    {
        for (int i = 0; i < WarmupRuns; i++)
            run();
        int blocks = Math.Min(runs, 5);
        var times = new List<double>();
        for (int b = 0; b < blocks; b++)
        {
            Thread.Sleep(100);
            run();
            int block = runs / blocks + (b < runs % blocks ? 1 : 0);
            for (int i = 0; i < block; i++)
            {
                long start = Stopwatch.GetTimestamp();
                run();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        var sorted = times.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Result(description, median, sorted[0], 2.0 * macs / (median / 1000) / 1e9);
    }

    /// <summary>
    /// Per kind of layer (same description): count, total median ms, share of the pass, GFLOPS and the megabytes it
    /// moves (<see cref="Diagnostics.LayerProfile"/>); then the pass's memory traffic against the cache sizes.
    /// </summary>
    private static void PrintProfile(HourglassNetwork net, ReadOnlySpan<float> image, int runs)
    {
        var layers = net.ProfileLayers(image, runs);
        double total = layers.Sum(l => l.MedianMs);
        Console.WriteLine();
        Console.WriteLine($"profile (1 image, median of {runs}; sum of layers {total:F2} ms):");
        Console.WriteLine($"{"layer",-34} {"count",5} {"ms",8} {"share",6} {"GFLOPS",8} {"MB moved",9}");
        foreach (var group in layers.GroupBy(l => l.Layer).OrderByDescending(g => g.Sum(l => l.MedianMs)))
        {
            double ms = group.Sum(l => l.MedianMs);
            long macs = group.Sum(l => l.Macs);
            string gflops = macs > 0 ? $"{2.0 * macs / (ms / 1000) / 1e9,8:F1}" : "       -";
            Console.WriteLine($"{group.Key,-34} {group.Count(),5} {ms,8:F3} {100 * ms / total,5:F1}% {gflops} {group.Sum(l => l.Bytes) / 1e6,9:F2}");
        }
        PrintTraffic(layers, total);
    }

    /// <summary>Bytes moved per pass (weights, activations, scratch), the largest layer's, and the L2 and L3 sizes to compare them with.</summary>
    private static void PrintTraffic(IReadOnlyList<Diagnostics.LayerProfile> layers, double totalMs)
    {
        long weights = layers.Sum(l => l.WeightBytes), activations = layers.Sum(l => l.ActivationBytes), scratch = layers.Sum(l => l.ScratchBytes);
        var largest = layers.MaxBy(l => l.Bytes)!;
        var (l2, l3) = Diagnostics.CacheSizes.Read();
        Console.WriteLine($"memory traffic per pass: {(weights + activations + scratch) / 1e6:F1} MB (weights {weights / 1e6:F1}, activations {activations / 1e6:F1}, " +
            $"Winograd scratch {scratch / 1e6:F1}), {(weights + activations + scratch) / 1e9 / (totalMs / 1000):F1} GB/s over the sum of layers; " +
            $"largest layer {largest.Layer}: {largest.Bytes / 1e6:F2} MB");
        Console.WriteLine(l2 is null && l3 is null
            ? "cache sizes: not readable here"
            : $"cache sizes: L2 {(l2 is { } a ? $"{a / 1024} KiB" : "?")} per core, L3 {(l3 is { } b ? $"{b / 1048576.0:F0} MiB" : "?")} (shared; Linux sysfs, CPU 0)");
    }
}

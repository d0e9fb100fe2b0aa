using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using HourglassSimd.Diagnostics;
using HourglassSimd.Tools.Comparison;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass bench</c>: median and min latency of one forward pass for HourglassSimd and, with <c>--compare</c>,
/// ONNX Runtime and TorchSharp on the same weights, input and thread count; GFLOPS, share of measured peak, ratios.
/// </summary>
internal static class BenchCommand
{
    private const int WarmupRuns = 3;

    public static Command Create()
    {
        var stacks = new Option<int>("--stacks") { Description = "Number of stacks.", DefaultValueFactory = _ => 2 };
        var features = new Option<int>("--features") { Description = "Feature width.", DefaultValueFactory = _ => 256 };
        var joints = new Option<int>("--joints") { Description = "Heatmaps per stack.", DefaultValueFactory = _ => 16 };
        var size = new Option<string?>("--size") { HelpName = "size", Description = $"Input size: {InputSize.Syntax}. Default: the model's own size with --model, else 256." };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass, for every engine.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = new Option<int>("--runs") { Description = $"Timed forward passes per engine (after {WarmupRuns} warm-up passes), spread over up to 5 interleaved rounds.", DefaultValueFactory = _ => 20 };
        var isa = new Option<KernelIsa>("--isa") { Description = "HourglassSimd kernel path: Auto, Scalar, Vector256, Vector512.", DefaultValueFactory = _ => KernelIsa.Auto };
        var convolution = new Option<ConvolutionMode>("--convolution") { Description = "HourglassSimd: Fastest (Winograd where it pays) or DirectOnly.", DefaultValueFactory = _ => ConvolutionMode.Fastest };
        var model = new Option<FileInfo?>("--model") { Description = "Time this .hgw model instead of seeded random weights (HourglassSimd only)." };
        var compare = new Option<string?>("--compare") { Description = "Also time these engines, comma-separated: onnxruntime, torchsharp." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        var profile = new Option<bool>("--profile") { Description = "Also print HourglassSimd's time and GFLOPS per kind of layer (one image)." };
        var command = new Command("bench", """
            Times forward passes and prints, per engine, median and min milliseconds, GFLOPS (2 × MACs / time), the share
            of this machine's measured peak FMA throughput, and each other engine's median over HourglassSimd's.
            Without --model the network has seeded random weights; every engine gets the same weights and input.
            Example: hourglass bench --stacks 8 --threads 2 --runs 10 --compare onnxruntime,torchsharp --json bench.json
            """)
        {
            stacks, features, joints, size, batch, threads, runs, isa, convolution, model, compare, json, profile,
        };
        command.SetAction(result => CliErrors.Run(() => Execute(new Settings(
            result.GetValue(stacks), result.GetValue(features), result.GetValue(joints), InputSize.ParseOptional(result.GetValue(size), "--size"), result.GetValue(batch),
            result.GetValue(threads), result.GetValue(runs), result.GetValue(isa), result.GetValue(convolution), result.GetValue(model),
            result.GetValue(compare), result.GetValue(json), result.GetValue(profile)))));
        return command;
    }

    private sealed record Settings(int Stacks, int Features, int Joints, InputSize? Size, int Batch, int Threads, int Runs, KernelIsa Isa,
        ConvolutionMode Convolution, FileInfo? Model, string? Compare, FileInfo? Json, bool Profile);

    private sealed record Result(string Engine, string Description, double MedianMs, double MinMs, double Gflops);

    private static int Execute(Settings s)
    {
        if (s.Batch < 1) throw new ArgumentException("--batch must be at least 1.");
        if (s.Runs < 1) throw new ArgumentException("--runs must be at least 1.");
        if (s.Threads < 1) throw new ArgumentException("--threads must be at least 1.");
        string[] others = (s.Compare ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string engine in others)
            if (!ForwardRunners.Engines.Contains(engine, StringComparer.OrdinalIgnoreCase) || engine.Equals(ForwardRunners.HourglassSimd, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--compare: unknown engine '{engine}'; use onnxruntime and/or torchsharp.");

        HourglassArchitecture arch;
        HourglassWeights weights;
        if (s.Model is not null)
        {
            if (others.Length > 0)
                throw new ArgumentException("--compare runs on seeded random weights in their trained form; leave out --model.");
            var file = HourglassModelFile.Load(s.Model.FullName);
            (arch, weights) = (file.Architecture, file.Weights);
            if (s.Size is { } size)
                arch = arch.WithInputSize(size.Height, size.Width); // same weights: the network is fully convolutional
        }
        else
        {
            var size = s.Size ?? new InputSize(256, 256);
            arch = new HourglassArchitecture(s.Stacks, s.Features, s.Joints, size.Height, size.Width);
            weights = HourglassWeights.CreateRandom(arch, seed: 1);
        }
        var random = new Random(2);
        var input = new float[s.Batch * arch.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();

        var setup = new ForwardSetup(arch, weights, input, s.Threads, s.Isa) { Convolution = s.Convolution };
        var engines = new[] { ForwardRunners.HourglassSimd }.Concat(others).ToArray();
        var runners = ForwardRunners.Create(setup, engines);
        try
        {
            var ours = (HourglassSimdRunner)runners[0];
            long macs = ours.Network.MacCountPerImage * s.Batch;
            Console.WriteLine($"network: {arch}, {ours.Network.ParameterCount:N0} parameters, {macs / s.Batch / 1e9:F3} G MACs per image, batch {s.Batch}");
            if (runners.Count > 1)
            {
                var differences = ForwardRunners.CheckAgreement(runners);
                for (int i = 1; i < runners.Count; i++)
                    Console.WriteLine($"agreement: {runners[i].Name} vs HourglassSimd, max |diff| / max |output| = {differences[i]:E2}");
            }

            var results = TimeInterleaved(runners, s.Runs, macs);
            double? peak = ours.Network.Isa == KernelIsa.Scalar ? null : PeakFlops.Measure(ours.Network.Isa, s.Threads);
            long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;

            Console.WriteLine();
            foreach (var r in results)
                Console.WriteLine($"{r.Engine}: {r.Description}");
            Console.WriteLine();
            Console.WriteLine($"{"engine",-14} {"stacks",6} {"batch",5} {"threads",7} {"median ms",10} {"min ms",9} {"GFLOPS",8} {"% peak",7} {"ratio",7}");
            foreach (var r in results)
            {
                string share = peak is { } p ? $"{100 * r.Gflops / p,6:F1}%" : "      -";
                Console.WriteLine($"{r.Engine,-14} {arch.Stacks,6} {s.Batch,5} {s.Threads,7} {r.MedianMs,10:F2} {r.MinMs,9:F2} {r.Gflops,8:F1} {share} {r.MedianMs / results[0].MedianMs,6:F2}x");
            }
            if (peak is { } measured)
                Console.WriteLine($"measured peak ({ours.Network.Isa} FMA loop, {s.Threads} thread(s)): {measured:F1} GFLOPS; ratio = engine median / HourglassSimd median");
            Console.WriteLine($"HourglassSimd activations: {ours.Network.ActivationBytes / 1048576.0:F1} MiB per concurrent run; process peak working set {peakWorkingSet / 1048576.0:F0} MiB");

            if (s.Profile)
                PrintProfile(ours.Network, input.AsSpan(0, arch.InputSizePerImage), s.Runs);

            if (s.Json is not null)
            {
                var records = results.Select(r => new
                {
                    engine = r.Engine, description = r.Description, stacks = arch.Stacks, features = arch.Features, joints = arch.Joints,
                    input = arch.InputHeight, input_width = arch.InputWidth, batch = s.Batch, threads = s.Threads, runs = s.Runs, median_ms = r.MedianMs, min_ms = r.MinMs,
                    gflops = r.Gflops, peak_gflops = peak, ratio_to_hourglasssimd = r.MedianMs / results[0].MedianMs,
                });
                File.WriteAllText(s.Json.FullName, JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {s.Json.FullName}");
            }
        }
        finally
        {
            foreach (var runner in runners)
                runner.Dispose();
        }
        return 0;
    }

    /// <summary>
    /// Times every engine <paramref name="runs"/> times, spread over up to 5 rounds: in each round each engine runs a
    /// block of passes after a pause (other engines' spinning threads go idle), so that every engine's samples come
    /// from the same stretch of time and slow drifts of the machine hit them all alike.
    /// </summary>
    private static List<Result> TimeInterleaved(IReadOnlyList<IForwardRunner> runners, int runs, long macs)
    {
        int rounds = Math.Min(runs, 5);
        var times = runners.Select(_ => new List<double>()).ToArray();
        foreach (var runner in runners)
            for (int i = 0; i < WarmupRuns; i++)
                runner.Run();
        for (int round = 0; round < rounds; round++)
        {
            for (int e = 0; e < runners.Count; e++)
            {
                Thread.Sleep(100);
                runners[e].Run(); // one untimed pass wakes the engine's threads
                int block = runs / rounds + (round < runs % rounds ? 1 : 0);
                for (int i = 0; i < block; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    runners[e].Run();
                    times[e].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        var results = new List<Result>();
        for (int e = 0; e < runners.Count; e++)
        {
            var sorted = times[e].Order().ToArray();
            int n = sorted.Length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            results.Add(new Result(runners[e].Name, runners[e].Description, median, sorted[0], 2.0 * macs / (median / 1000) / 1e9));
        }
        return results;
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

using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using HourglassSimd.Diagnostics;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// The comparison runner, <c>dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- compare ...</c>: median
/// and min latency of one forward pass for HourglassSimd and ONNX Runtime and/or TorchSharp on the same weights, input
/// and thread count, timed interleaved in one process; GFLOPS, share of measured peak, ratios. (The <c>hourglass</c>
/// CLI's <c>bench</c> times the engine alone and carries no native dependency.)
/// </summary>
internal static class CompareCommand
{
    public static RootCommand Create()
    {
        var stacks = new Option<int>("--stacks") { Description = "Number of stacks.", DefaultValueFactory = _ => 2 };
        var features = new Option<int>("--features") { Description = "Feature width.", DefaultValueFactory = _ => 256 };
        var joints = new Option<int>("--joints") { Description = "Heatmaps per stack.", DefaultValueFactory = _ => 16 };
        var size = new Option<string?>("--size") { HelpName = "size", Description = "Input size: N (square) or HEIGHTxWIDTH, multiples of 64.", DefaultValueFactory = _ => "256" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass, for every engine.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = new Option<int>("--runs") { Description = $"Timed forward passes per engine (after {InterleavedTimer.WarmupRuns} warm-up passes), spread over up to 5 interleaved rounds.", DefaultValueFactory = _ => 20 };
        var isa = new Option<KernelIsa>("--isa")
        {
            Description = "HourglassSimd kernel path: Auto, Scalar, Vector128, Vector256, Vector512.",
            DefaultValueFactory = _ => KernelIsa.Auto,
            CustomParser = result => ParseNames<KernelIsa>(result, "--isa").LastOrDefault(),
        };
        var convolution = new Option<ConvolutionMode[]>("--convolution")
        {
            Description = "HourglassSimd: Fastest (Winograd where it pays) and/or DirectOnly; give both (--convolution Fastest DirectOnly) to time both in the same interleaved rounds.",
            DefaultValueFactory = _ => [ConvolutionMode.Fastest],
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseConvolutions,
        };
        var compare = new Option<string?>("--compare") { Description = "Also time these engines, comma-separated: onnxruntime, torchsharp.", DefaultValueFactory = _ => "onnxruntime,torchsharp" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        var depth = new Option<int>("--depth") { Description = "Max-pool levels in each hourglass, 1 to 5.", DefaultValueFactory = _ => HourglassArchitecture.DefaultDepth };
        var block = new Option<string>("--block") { Description = $"Residual block, {ResidualBlockNames.Accepted}.", DefaultValueFactory = _ => "bottleneck" };
        var model = new Option<FileInfo?>("--model") { Description = "Time this .hgw (its folded weights: HourglassSimd and ONNX Runtime only) instead of random weights; --size still applies." };
        var command = new RootCommand("""
            Times forward passes of HourglassSimd, ONNX Runtime and TorchSharp interleaved in one process and prints, per
            engine, median and min milliseconds, GFLOPS (2 × MACs / time), the share of this machine's measured peak FMA
            throughput, and each other engine's median over HourglassSimd's. The network has seeded random weights;
            every engine gets the same weights and input, and their outputs are checked against each other first.
            Example: dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- compare --stacks 8 --threads 2 --runs 10 --json compare.json
            """)
        {
            stacks, features, joints, size, batch, threads, runs, isa, convolution, compare, json, depth, block, model,
        };
        command.SetAction(result => RunCatching(() => Execute(new Settings(
            result.GetValue(stacks), result.GetValue(features), result.GetValue(joints), ParseSize(result.GetValue(size)!), result.GetValue(batch),
            result.GetValue(threads), result.GetValue(runs), result.GetValue(isa), result.GetValue(convolution)!,
            result.GetValue(compare), result.GetValue(json), result.GetValue(depth), result.GetValue(block)!, result.GetValue(model)))));
        return command;
    }

    private sealed record Settings(int Stacks, int Features, int Joints, (int Height, int Width) Size, int Batch, int Threads, int Runs, KernelIsa Isa,
        ConvolutionMode[] Convolutions, string? Compare, FileInfo? Json, int Depth, string Block, FileInfo? Model);

    /// <summary>Expected failures as one line on stderr and exit code 1.</summary>
    private static int RunCatching(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }

    private sealed record Result(string Engine, string Description, double MedianMs, double MinMs, double Gflops);

    private static int Execute(Settings s)
    {
        if (s.Batch < 1) throw new ArgumentException("--batch must be at least 1.");
        if (s.Runs < 1) throw new ArgumentException("--runs must be at least 1.");
        if (s.Threads < 1) throw new ArgumentException("--threads must be at least 1.");
        if (s.Convolutions.Length == 0) throw new ArgumentException("--convolution needs Fastest and/or DirectOnly.");
        string[] others = (s.Compare ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string engine in others)
            if (!ForwardRunners.Engines.Contains(engine, StringComparer.OrdinalIgnoreCase) || engine.Equals(ForwardRunners.HourglassSimd, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--compare: unknown engine '{engine}'; use onnxruntime and/or torchsharp.");

        if (!ResidualBlockNames.TryParse(s.Block, out var residualBlock))
            throw new ArgumentException($"--block must be {ResidualBlockNames.Accepted}, not '{s.Block}'.");
        HourglassArchitecture arch;
        HourglassWeights weights;
        if (s.Model is not null)
        {
            var file = HourglassModelFile.Load(s.Model.FullName);
            (arch, weights) = (file.Architecture.WithInputSize(s.Size.Height, s.Size.Width), file.Weights);
        }
        else
        {
            arch = new HourglassArchitecture(s.Stacks, s.Features, s.Joints, s.Size.Height, s.Size.Width) { Depth = s.Depth, Block = residualBlock };
            weights = HourglassWeights.CreateRandom(arch, seed: 1);
        }
        var random = new Random(2);
        var input = new float[s.Batch * arch.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();

        var setup = new ForwardSetup(arch, weights, input, s.Threads, s.Isa);
        // One HourglassSimd runner per convolution mode (the first is the reference of the ratios), then the others.
        var runners = new List<IForwardRunner>();
        try
        {
            foreach (var mode in s.Convolutions.Distinct())
                runners.Add(new HourglassSimdRunner(setup with { Convolution = mode }));
            if (others.Length > 0)
                runners.AddRange(ForwardRunners.Create(setup, others));
        }
        catch
        {
            foreach (var runner in runners)
                runner.Dispose();
            throw;
        }
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

            var results = InterleavedTimer.Time(runners, s.Runs)
                .Select((t, e) => new Result(runners[e].Name, runners[e].Description, t.MedianMs, t.MinMs, 2.0 * macs / (t.MedianMs / 1000) / 1e9))
                .ToList();
            double? peak = ours.Network.Isa == KernelIsa.Scalar ? null : PeakFlops.Measure(ours.Network.Isa, s.Threads);
            long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;

            Console.WriteLine();
            foreach (var r in results)
                Console.WriteLine($"{r.Engine}: {r.Description}");
            Console.WriteLine();
            Console.WriteLine($"{"engine",-20} {"stacks",6} {"batch",5} {"threads",7} {"median ms",10} {"min ms",9} {"GFLOPS",8} {"% peak",7} {"ratio",7}");
            foreach (var r in results)
            {
                string share = peak is { } p ? $"{100 * r.Gflops / p,6:F1}%" : "      -";
                Console.WriteLine($"{r.Engine,-20} {arch.Stacks,6} {s.Batch,5} {s.Threads,7} {r.MedianMs,10:F2} {r.MinMs,9:F2} {r.Gflops,8:F1} {share} {r.MedianMs / results[0].MedianMs,6:F2}x");
            }
            if (peak is { } measured)
                Console.WriteLine($"measured peak ({ours.Network.Isa} FMA loop, {s.Threads} thread(s)): {measured:F1} GFLOPS; ratio = engine median / HourglassSimd median");
            Console.WriteLine($"HourglassSimd activations: {ours.Network.ActivationBytes / 1048576.0:F1} MiB per concurrent run; process peak working set {peakWorkingSet / 1048576.0:F0} MiB");


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

    internal static (int Height, int Width) ParseSize(string text)
    {
        string[] parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, out int side) && side >= 64 && side % 64 == 0))
            return (int.Parse(parts[0]), int.Parse(parts[^1]));
        throw new ArgumentException($"--size '{text}' is not an input size: N or HEIGHTxWIDTH, multiples of 64.");
    }

    /// <summary>"--convolution Fastest DirectOnly" or "Fastest,DirectOnly": the list is split here, each name parsed by
    /// <see cref="EnumNames"/>.</summary>
    private static ConvolutionMode[] ParseConvolutions(System.CommandLine.Parsing.ArgumentResult result) =>
        [.. ParseNames<ConvolutionMode>(result, "--convolution").Distinct()];

    private static List<T> ParseNames<T>(System.CommandLine.Parsing.ArgumentResult result, string option) where T : struct, Enum
    {
        var values = new List<T>();
        foreach (var token in result.Tokens)
        {
            foreach (string name in token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (EnumNames.TryParse(name, out T value))
                    values.Add(value);
                else
                    result.AddError($"{option} '{name}' is not one of {EnumNames.List<T>()}.");
            }
        }
        return values;
    }
}

using BenchmarkDotNet.Attributes;
using HourglassSimd.Benchmarks.Comparison;

namespace HourglassSimd.Benchmarks.EndToEnd;

/// <summary>
/// One forward pass of the whole network, HourglassSimd against ONNX Runtime (baseline) on identical random weights
/// and input, both with <see cref="Environment.ProcessorCount"/> threads; ONNX Runtime with its best latency settings
/// (<see cref="OnnxRuntimeSettings.BestLatency"/>) on the exported model with the batch fixed, input and output bound once.
/// </summary>
/// <remarks>
/// Each engine is timed in its own process (BenchmarkDotNet runs one process per method and case). Its setup builds
/// both engines, checks that they agree within 1e-4 and then keeps only the one to time, so the other's threads
/// cannot compete with it.
/// </remarks>
[MemoryDiagnoser]
[BenchmarkCategory("EndToEnd")]
public class EndToEndBenchmarks
{
    private IForwardRunner? _runner;

    [ParamsSource(nameof(Cases))]
    public NetworkCase Case { get; set; } = null!;

    public static IEnumerable<NetworkCase> Cases() =>
        from stacks in new[] { 1, 2, 8 }
        from batch in new[] { 1, 8 }
        select new NetworkCase(stacks, batch);

    // Method names end in "Engine": BenchmarkDotNet's generated code would read a method called HourglassSimd as the namespace.
    [GlobalSetup(Target = nameof(OnnxRuntimeEngine))]
    public void SetupOnnxRuntime() => _runner = Prepare(ForwardRunners.OnnxRuntime);

    [GlobalSetup(Target = nameof(HourglassSimdEngine))]
    public void SetupHourglassSimd() => _runner = Prepare(ForwardRunners.HourglassSimd);

    [Benchmark(Baseline = true)]
    public void OnnxRuntimeEngine() => _runner!.Run();

    [Benchmark]
    public void HourglassSimdEngine() => _runner!.Run();

    [GlobalCleanup]
    public void Cleanup() => _runner?.Dispose();

    private IForwardRunner Prepare(string engine)
    {
        var arch = Case.Architecture;
        var weights = HourglassWeights.CreateRandom(arch, seed: 1);
        var random = new Random(2);
        var input = new float[Case.Batch * arch.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();

        var runners = ForwardRunners.Create(arch, weights, input, Environment.ProcessorCount, ForwardRunners.HourglassSimd, ForwardRunners.OnnxRuntime);
        IForwardRunner? keep = null;
        try
        {
            var differences = ForwardRunners.CheckAgreement(runners);
            for (int i = 0; i < runners.Count; i++)
                Console.WriteLine($"// {runners[i].Description}: relative difference to {runners[0].Name} {differences[i]:E2}");
            keep = runners.Single(r => string.Equals(r.Name, engine, StringComparison.OrdinalIgnoreCase));
            return keep;
        }
        finally
        {
            foreach (var runner in runners)
            {
                if (!ReferenceEquals(runner, keep))
                    runner.Dispose();
            }
        }
    }
}

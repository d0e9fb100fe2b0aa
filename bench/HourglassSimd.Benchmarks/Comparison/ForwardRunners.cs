namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// Builds the engines of a comparison on one <see cref="ForwardSetup"/> (same weights, input and threads) and checks
/// that they agree before anyone times them. New engines (TorchSharp, ...) register one factory line in
/// <see cref="Factories"/>.
/// </summary>
public static class ForwardRunners
{
    /// <summary>Engine name of <see cref="HourglassSimdRunner"/>.</summary>
    public const string HourglassSimd = "hourglasssimd";

    /// <summary>Engine name of <see cref="OnnxRuntimeRunner"/>.</summary>
    public const string OnnxRuntime = "onnxruntime";

    /// <summary>Engine name of <see cref="TorchSharpRunner"/>.</summary>
    public const string TorchSharp = "torchsharp";

    // The extension point: engine name → factory.
    private static readonly Dictionary<string, Func<ForwardSetup, IForwardRunner>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [HourglassSimd] = setup => new HourglassSimdRunner(setup),
        [OnnxRuntime] = setup => new OnnxRuntimeRunner(setup),
        [TorchSharp] = setup => new TorchSharpRunner(setup),
    };

    /// <summary>Engine names that <see cref="Create(string, ForwardSetup)"/> accepts.</summary>
    public static IReadOnlyCollection<string> Engines => Factories.Keys;

    /// <summary>One engine's runner.</summary>
    /// <exception cref="ArgumentException">Unknown engine name.</exception>
    public static IForwardRunner Create(string engine, ForwardSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (!Factories.TryGetValue(engine, out var factory))
            throw new ArgumentException($"Unknown engine '{engine}'; known engines: {string.Join(", ", Factories.Keys)}.", nameof(engine));
        return factory(setup);
    }

    /// <summary>
    /// Runners for <paramref name="engines"/> (default: HourglassSimd, then ONNX Runtime) on the same network, weights,
    /// input batch and thread count. The first is the reference for <see cref="CheckAgreement"/>. The caller disposes them.
    /// </summary>
    /// <remarks>
    /// Time one engine's runs together rather than interleaving engines: ONNX Runtime's intra-op threads spin for a
    /// while after each of its runs and would compete with another engine's run that follows at once.
    /// </remarks>
    public static IReadOnlyList<IForwardRunner> Create(HourglassArchitecture architecture, HourglassWeights weights, float[] input, int threads,
        params string[] engines) =>
        Create(new ForwardSetup(architecture, weights, input, threads), engines);

    /// <inheritdoc cref="Create(HourglassArchitecture, HourglassWeights, float[], int, string[])"/>
    public static IReadOnlyList<IForwardRunner> Create(ForwardSetup setup, params string[] engines)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (engines.Length == 0)
            engines = [HourglassSimd, OnnxRuntime];
        var runners = new List<IForwardRunner>();
        try
        {
            foreach (string engine in engines)
                runners.Add(Create(engine, setup));
        }
        catch
        {
            foreach (var runner in runners)
                runner.Dispose();
            throw;
        }
        return runners;
    }

    /// <summary>max |reference − other| / max |reference| over all elements (0 when both are all zero).</summary>
    public static double RelativeDifference(ReadOnlySpan<float> reference, ReadOnlySpan<float> other)
    {
        if (reference.Length != other.Length)
            throw new ArgumentException($"Outputs differ in length: {reference.Length} and {other.Length}.");
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)reference[i] - other[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs((double)reference[i]));
        }
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }

    /// <summary>
    /// Runs every runner once and checks each output against the first one's within <paramref name="tolerance"/>
    /// (relative to the largest reference value). Returns the measured differences, the first being 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">Some engine disagrees (or produced NaN).</exception>
    public static IReadOnlyList<double> CheckAgreement(IReadOnlyList<IForwardRunner> runners, double tolerance = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(runners);
        foreach (var runner in runners)
            runner.Run();
        var differences = new List<double>();
        foreach (var runner in runners)
        {
            double difference = RelativeDifference(runners[0].Output, runner.Output);
            if (!(difference <= tolerance))
                throw new InvalidOperationException(
                    $"{runner.Name} disagrees with {runners[0].Name}: relative difference {difference:E2} > {tolerance:E0}; its timings would not be comparable.");
            differences.Add(difference);
        }
        return differences;
    }
}

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// One inference engine, prepared to run one forward pass of a fixed network on a fixed input batch into a fixed
/// output buffer, so that timing <see cref="Run"/> measures the engine and not setup, copies or allocation.
/// Not thread-safe: one caller at a time. Dispose to release the engine's threads and native memory.
/// </summary>
public interface IForwardRunner : IDisposable
{
    /// <summary>Short engine name for tables, e.g. <c>HourglassSimd</c> or <c>OnnxRuntime</c>.</summary>
    string Name { get; }

    /// <summary>One line on how the engine is configured (version, threads, kernel path, settings).</summary>
    string Description { get; }

    /// <summary>Runs one forward pass of the whole batch from the setup's input into <see cref="Output"/>.</summary>
    void Run();

    /// <summary>The heatmaps of the last <see cref="Run"/>, <c>[N, stacks, joints, H/4, W/4]</c> (zeros before the first).</summary>
    ReadOnlySpan<float> Output { get; }
}

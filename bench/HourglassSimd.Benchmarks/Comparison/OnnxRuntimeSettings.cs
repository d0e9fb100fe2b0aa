using Microsoft.ML.OnnxRuntime;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// ONNX Runtime session settings. The defaults are its best single-call latency settings (kernel-notes §1.5):
/// all graph optimizations (needed for the NCHWc layout rewrite), sequential execution, one inter-op thread,
/// spinning intra-op threads. The intra-op thread count comes from <see cref="ForwardSetup.Threads"/>.
/// </summary>
public sealed record OnnxRuntimeSettings
{
    public static OnnxRuntimeSettings BestLatency { get; } = new();

    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary><c>session.intra_op.allow_spinning</c>: workers spin between parallel sections (lowest latency, burns CPU).</summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary><c>session.dynamic_block_base</c> (finer dynamic work split), or null for ONNX Runtime's default.</summary>
    public int? DynamicBlockBase { get; init; }

    /// <summary>If set, ONNX Runtime writes the optimized graph here (to check the NCHWc rewrite).</summary>
    public string? OptimizedModelPath { get; init; }

    /// <summary>Session options for <paramref name="threads"/> intra-op threads; the caller disposes them.</summary>
    public SessionOptions CreateSessionOptions(int threads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = OptimizationLevel,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
        if (DynamicBlockBase is { } blockBase)
            options.AddSessionConfigEntry("session.dynamic_block_base", blockBase.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (OptimizedModelPath is not null)
            options.OptimizedModelFilePath = OptimizedModelPath;
        return options;
    }

    public override string ToString() =>
        $"{OptimizationLevel}, sequential, spinning {(AllowSpinning ? "on" : "off")}" + (DynamicBlockBase is { } b ? $", dynamic block base {b}" : "");
}

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// What every engine in a comparison gets: the same network, the same weights, the same input batch and the same
/// number of threads.
/// </summary>
public sealed record ForwardSetup
{
    /// <param name="architecture">The network shape.</param>
    /// <param name="weights">Trained or folded weights for <paramref name="architecture"/> (each engine folds them the same way).</param>
    /// <param name="input">N images, NCHW float32 <c>[N, 3, H, W]</c>; read, never written, and shared by the runners.</param>
    /// <param name="threads">Threads per forward pass, for every engine.</param>
    /// <param name="isa">HourglassSimd kernel path (other engines pick their own).</param>
    public ForwardSetup(HourglassArchitecture architecture, HourglassWeights weights, float[] input, int threads, KernelIsa isa = KernelIsa.Auto)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length == 0 || input.Length % architecture.InputSizePerImage != 0)
            throw new ArgumentException(
                $"input has {input.Length} floats; expected N × 3 × {architecture.InputHeight} × {architecture.InputWidth} (N ≥ 1).", nameof(input));
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        Architecture = architecture;
        Weights = weights;
        Input = input;
        Threads = threads;
        Isa = isa;
    }

    public HourglassArchitecture Architecture { get; }

    public HourglassWeights Weights { get; }

    public float[] Input { get; }

    public int Threads { get; }

    public KernelIsa Isa { get; }

    /// <summary>
    /// The model file the weights came from, or null; HourglassSimd builds its network from it, so that a quantized model
    /// runs quantized, and ONNX Runtime runs its QDQ export (TorchSharp runs <see cref="Weights"/>: for an int8 model, its dequantized float weights).
    /// </summary>
    public HourglassModelFile? Model { get; init; }

    /// <summary>HourglassSimd convolution algorithms (Winograd where it pays, or direct only).</summary>
    public ConvolutionMode Convolution { get; init; } = ConvolutionMode.Fastest;

    /// <summary>Images in <see cref="Input"/>.</summary>
    public int Batch => Input.Length / Architecture.InputSizePerImage;

    /// <summary>Floats of heatmaps one forward pass produces.</summary>
    public int OutputLength => Batch * Architecture.OutputSizePerImage;

    /// <summary>Input tensor shape <c>[N, 3, H, W]</c>.</summary>
    public long[] InputShape => [Batch, Architecture.InputChannels, Architecture.InputHeight, Architecture.InputWidth];

    /// <summary>Output tensor shape <c>[N, stacks, joints, H/4, W/4]</c>.</summary>
    public long[] OutputShape => [Batch, Architecture.Stacks, Architecture.Joints, Architecture.OutputHeight, Architecture.OutputWidth];
}

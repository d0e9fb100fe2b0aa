using HourglassSimd.Pose;

namespace HourglassSimd.Training;

/// <summary>What <see cref="OneDnnSelfCheck"/> probes: the shapes of tiny PoseNets (1 stack) and how strictly.</summary>
public sealed record SelfCheckSettings
{
    /// <summary>Feature widths of the tiny networks whose shapes are probed (16: the tests; 64: the demo runs).</summary>
    public IReadOnlyList<int> Features { get; init; } = [16, 64];

    public int InputSize { get; init; } = 64;

    /// <summary>Batch of the single-operation checks (the trainer's smallest batch at a 64 input).</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>
    /// Batch of the whole-training-step rows. Not 2: with two images the BatchNorm at the 1x1 hourglass bottom
    /// normalizes two nearly equal values for some inputs, and then even float64 gradients move by 10% when the input
    /// moves by 1e-8 (ill-conditioned, not a defect); 8 images keep float32 within about 5e-3 here.
    /// </summary>
    public int NetworkBatchSize { get; init; } = 8;

    public int Joints { get; init; } = JointLayout.Mpii16.Count;

    /// <summary>Each operation runs this many times on fresh random data; the worst error is reported.</summary>
    public int Repeats { get; init; } = 3;

    public int Seed { get; init; } = 1;

    /// <summary>Largest accepted relative error of a single operation (float32 rounding is about 1e-6 here).</summary>
    public double Tolerance { get; init; } = OneDnnSelfCheck.DefaultTolerance;

    /// <summary>Largest accepted relative error of a whole training step (loss and every parameter's gradient).</summary>
    public double NetworkTolerance { get; init; } = OneDnnSelfCheck.DefaultNetworkTolerance;

    /// <summary>Test hook: rewrites a float32 result before the comparison (op, "forward" or "backward", tensor).</summary>
    internal Func<string, string, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>? Perturb { get; init; }
}

using HourglassSimd.Pose;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// What <see cref="CheckpointConverter"/> is told beyond the checkpoint: optional stacks, features and joints that must
/// agree with what the tensors show, the input size (not recorded in checkpoints), the input normalization and the joint
/// layout.
/// </summary>
public sealed record ConversionOptions
{
    /// <summary>Expected number of stacks, or null to take the checkpoint's.</summary>
    public int? Stacks { get; init; }

    /// <summary>Expected feature width, or null to take the checkpoint's.</summary>
    public int? Features { get; init; }

    /// <summary>Expected number of joints (heatmaps per stack), or null to take the checkpoint's.</summary>
    public int? Joints { get; init; }

    /// <summary>Input height and width in pixels, a multiple of 64. Default 256.</summary>
    public int InputSize { get; init; } = 256;

    /// <summary>How pixels become input values for these weights. Default: pixel / 255.</summary>
    public InputNormalization Normalization { get; init; } = InputNormalization.Default;

    /// <summary>
    /// What the heatmap channels mean; its joint count must equal the checkpoint's. Null: guessed from the joint count
    /// (<see cref="JointLayout.ForJointCount"/>) and recorded as assumed in the model file.
    /// </summary>
    public JointLayout? JointLayout { get; init; }

    /// <summary>Free text stored in the model file (the checkpoint's name), or null.</summary>
    public string? Source { get; init; }
}

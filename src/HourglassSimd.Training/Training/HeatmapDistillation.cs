using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// Knowledge distillation for <c>--distill-from</c>: a trained teacher network, frozen in eval mode, runs on each
/// training batch, and the student learns the blend <c>(1 − w) · ground truth + w · teacher</c> of the Gaussian
/// targets and the teacher's last-stack heatmaps, on every stack. The MSE to the blend has the same gradient as
/// <c>(1 − w) · MSE(ground truth) + w · MSE(teacher)</c>, the pose distillation loss of Zhang et al., "Fast Human Pose
/// Estimation" (CVPR 2019), which took <c>w = 0.5</c>. It serves a pruned or smaller student recovering what its
/// parent knew: the teacher's heatmaps carry where it is unsure, which a one-peak Gaussian does not.
/// </summary>
public sealed class HeatmapDistillation : IDisposable
{
    private readonly PoseNet teacher;

    /// <summary>Loads the teacher from a checkpoint of this trainer (with its metadata sidecar) onto <paramref name="device"/>.</summary>
    /// <param name="checkpointPath">The teacher's checkpoint.</param>
    /// <param name="weight">The teacher's share of the target, in (0, 1].</param>
    /// <param name="joints">The student's joint count; the teacher must have the same.</param>
    /// <param name="inputSize">The student's input side; the teacher must have been trained at the same.</param>
    /// <param name="device">Where the student trains.</param>
    /// <exception cref="TrainingException">No metadata, another joint count or input size, or a checkpoint that does not load.</exception>
    public HeatmapDistillation(string checkpointPath, double weight, int joints, int inputSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 1.0);
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpointPath))
            ?? throw new TrainingException($"teacher checkpoint '{checkpointPath}' has no metadata file ({Path.GetFileName(TrainingCheckpoint.MetadataPath(checkpointPath))}); --distill-from needs a checkpoint written by this trainer", isUsageError: true);
        if (metadata.Joints != joints)
        {
            throw new TrainingException($"teacher checkpoint '{checkpointPath}' has {metadata.Joints} joints, the student {joints}", isUsageError: true);
        }

        if (metadata.InputSize != inputSize)
        {
            throw new TrainingException($"teacher checkpoint '{checkpointPath}' was trained at --input-size {metadata.InputSize}, the student trains at {inputSize}", isUsageError: true);
        }

        Weight = weight;
        Architecture = metadata.Architecture;
        teacher = new PoseNet(metadata.Architecture);
        try
        {
            TrainingCheckpoint.Load(checkpointPath, teacher, optimizer: null, out _);
        }
        catch
        {
            teacher.Dispose();
            throw;
        }

        teacher.to(device);
        teacher.eval();
        foreach (var parameter in teacher.parameters())
        {
            parameter.requires_grad = false;
        }
    }

    /// <summary>The teacher's share of the target.</summary>
    public double Weight { get; }

    /// <summary>The teacher's network.</summary>
    public PoseNetArchitecture Architecture { get; }

    /// <summary>The log line that says what the run distills from.</summary>
    public string Describe(string checkpointPath) => string.Create(CultureInfo.InvariantCulture,
        $"distilling from {checkpointPath} ({Architecture.ToCommandLine()}): targets are {1 - Weight:0.##} x ground truth + {Weight:0.##} x the teacher's last-stack heatmaps");

    /// <summary>The blended targets for <paramref name="input"/> ([N, 3, H, W]) and its ground truth ([N, J, h, w]).</summary>
    public Tensor Blend(Tensor input, Tensor groundTruth)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(groundTruth);
        Tensor taught;
        using (no_grad())
        {
            Tensor all = teacher.forward(input);
            taught = all.select(1, all.shape[1] - 1);
        }

        return groundTruth * (1 - Weight) + taught * Weight;
    }

    public void Dispose() => teacher.Dispose();
}

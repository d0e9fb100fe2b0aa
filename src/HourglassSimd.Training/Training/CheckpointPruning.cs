using HourglassSimd.Pruning;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// Network slimming for <c>--prune-from</c>: a checkpoint of this trainer, pruned by the batch-norm |γ| of its
/// residual modules' inner channels over the whole network (<see cref="ChannelPruner"/>), as a new, smaller
/// <see cref="PoseNet"/> holding the kept weights, ready to fine-tune.
/// </summary>
public static class CheckpointPruning
{
    /// <summary>Pruned widths are multiples of this.</summary>
    public const int WidthMultiple = 8;

    /// <summary>Loads <paramref name="checkpointPath"/> and prunes it to <paramref name="targetMacs"/> of its MACs at <paramref name="inputSize"/>.</summary>
    /// <exception cref="TrainingException">No metadata next to the checkpoint, or a checkpoint that does not load into its own architecture.</exception>
    public static (PoseNet Model, PruningResult Result) Prune(string checkpointPath, double targetMacs, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpointPath))
            ?? throw new TrainingException($"checkpoint '{checkpointPath}' has no metadata file ({Path.GetFileName(TrainingCheckpoint.MetadataPath(checkpointPath))}); --prune-from needs a checkpoint written by this trainer");
        using var source = new PoseNet(metadata.Architecture);
        try
        {
            source.load(checkpointPath, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            throw new TrainingException($"cannot load checkpoint '{checkpointPath}' into the network its metadata describes: {e.Message}");
        }

        var a = metadata.Architecture;
        var architecture = new HourglassArchitecture(a.Stacks, a.Features, a.Joints, inputSize, inputSize) { Depth = a.Depth, Block = a.Block, Widths = a.Widths, StemChannels = a.StemChannels, ModulesPerLevel = a.ModulesPerLevel };
        // Parameters and float buffers (running statistics) by their state-dict names, copied out of libtorch.
        var weights = new HourglassWeights(source.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(source.named_buffers().Where(b => b.buffer.dtype == ScalarType.Float32).Select(b => (b.name, b.buffer)))
            .Select(p => new WeightTensor(p.Item1, p.Item2.shape.Select(d => (int)d).ToArray(), p.Item2.data<float>().ToArray())));
        var result = ChannelPruner.Prune(architecture, weights, new PruningOptions
        {
            Ratio = targetMacs,
            Criterion = PruningCriterion.BatchNormScale,
            Scope = PruningScope.Global,
            // Multiples of 8, chosen when odd widths gave NaN losses now and then. The cause was oneDNN reading channel
            // padding it never wrote (docs/training.md), and libtorch's oneDNN convolutions are now off; the rounding
            // stays so that the documented runs prune to the same networks. The engine runs any width.
            WidthMultiple = WidthMultiple,
        });

        var model = new PoseNet(a with { Widths = result.Architecture.Widths, StemChannels = result.Architecture.StemChannels });
        using (no_grad())
        {
            foreach (var (name, target) in model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers()))
            {
                if (result.Weights.Tensors.TryGetValue(name, out var kept))
                {
                    using var values = tensor(kept.Data, kept.Shape.Select(d => (long)d).ToArray());
                    target.copy_(values);
                }
            }
        }
        return (model, result);
    }
}

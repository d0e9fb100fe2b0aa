using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>Intermediate supervision: the heatmap MSE of every stack against the same target, summed over stacks.</summary>
public static class StackedHeatmapLoss
{
    /// <param name="predictions">[N, S, J, h, w], all stacks' heatmaps.</param>
    /// <param name="targets">[N, J, h, w].</param>
    public static Tensor Compute(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        long stacks = predictions.shape[1];
        Tensor expanded = targets.unsqueeze(1).expand_as(predictions);

        // mse_loss averages over the stacks too; multiplying by S gives the sum of the per-stack means.
        return nn.functional.mse_loss(predictions, expanded) * stacks;
    }
}

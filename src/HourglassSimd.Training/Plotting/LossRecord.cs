namespace HourglassSimd.Training;

/// <summary>One loss value of a training run, placed in the run by epoch and step.</summary>
/// <param name="Kind">A block mean, or an epoch's training or validation loss.</param>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Step">For a block: the step that ends it (1 … <paramref name="StepsPerEpoch"/>). For an epoch's losses:
/// the epoch's last step, <paramref name="StepsPerEpoch"/>, or 0 when that is not known.</param>
/// <param name="StepsPerEpoch">Steps in the epoch; 0 when not known (a log without step lines or header).</param>
/// <param name="Value">The loss.</param>
public readonly record struct LossRecord(LossKind Kind, int Epoch, int Step, int StepsPerEpoch, double Value)
{
    /// <summary>Where the record sits on the plot's x axis: <c>Epoch − 1 + Step / StepsPerEpoch</c> for a block, and
    /// <c>Epoch</c> (the end of the epoch) for an epoch's losses.</summary>
    public double Position => Kind == LossKind.Block && StepsPerEpoch > 0 ? Epoch - 1 + (double)Step / StepsPerEpoch : Epoch;

    /// <summary>True for the per-epoch losses (<see cref="LossKind.Train"/>, <see cref="LossKind.Validation"/>).</summary>
    public bool IsEpochLoss => Kind != LossKind.Block;
}

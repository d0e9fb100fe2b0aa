namespace HourglassSimd.Training;

/// <summary>What one epoch did; <see cref="Trainer"/> prints it as the per-epoch progress line.</summary>
/// <param name="TrainLoss">Mean over the epoch's images of Σ over stacks of the heatmap MSE.</param>
/// <param name="ValidationLoss">The same loss on the validation records without augmentation; null when there are none.</param>
public sealed record EpochSummary(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double? ValidationLoss,
    int Images,
    double Seconds,
    string CheckpointPath)
{
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;

    public override string ToString() =>
        FormattableString.Invariant($"epoch {Epoch}/{Epochs}  loss {TrainLoss:0.000000}") +
        (ValidationLoss is { } v ? FormattableString.Invariant($"  val-loss {v:0.000000}") : "") +
        FormattableString.Invariant($"  {Images} images  {ImagesPerSecond:0.0} images/s  {Seconds:0.0} s  -> {CheckpointPath}");
}

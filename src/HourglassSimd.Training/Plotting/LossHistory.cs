namespace HourglassSimd.Training;

/// <summary>
/// The losses of a training run in the order they were logged: block means of <c>--log-every</c> steps and the
/// per-epoch training and validation losses (<see cref="LossRecord"/>). The trainer fills one as it runs;
/// <see cref="TrainingLogParser"/> rebuilds one from a log; <see cref="LossCsv"/> and <see cref="LossPlot"/> write it.
/// </summary>
/// <remarks>
/// Records are kept in x order (<see cref="LossRecord.Position"/>). A record that does not come after the last one
/// starts a later run over an earlier part of the curve (a run resumed from an older checkpoint, or a log of a new run
/// appended to an old one): the later run wins, so the records it replaces are dropped. These are the records at
/// later positions, and at the same position those of the same kind (for a block, every record there).
/// </remarks>
public sealed class LossHistory
{
    private readonly List<LossRecord> records = [];

    /// <summary>The records, in x order.</summary>
    public IReadOnlyList<LossRecord> Records => records;

    public int Count => records.Count;

    /// <summary>The records of one kind, in x order.</summary>
    public IEnumerable<LossRecord> OfKind(LossKind kind) => records.Where(r => r.Kind == kind);

    /// <summary>Appends <paramref name="record"/>, dropping what it replaces (see the class remarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is below 1, the step is outside its epoch, a block has no
    /// step count, or the value is negative or not finite.</exception>
    public void Add(LossRecord record)
    {
        if (record.Epoch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(record), record.Epoch, "the epoch must be at least 1");
        }

        if (record.Kind == LossKind.Block ? record.Step < 1 || record.Step > record.StepsPerEpoch : record.Step < 0 || record.StepsPerEpoch < 0 || record.Step > record.StepsPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(record), $"step {record.Step}/{record.StepsPerEpoch} is outside epoch {record.Epoch}");
        }

        if (!double.IsFinite(record.Value) || record.Value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(record), record.Value, "a loss must be finite and not negative");
        }

        double position = record.Position;
        if (records.Count > 0 && records[^1].Position >= position)
        {
            records.RemoveAll(r => r.Position > position || (r.Position == position && (record.Kind == LossKind.Block || r.Kind == record.Kind)));
        }

        records.Add(record);
    }

    /// <summary>Adds an epoch's training loss and, when there is one, its validation loss.</summary>
    public void AddEpoch(int epoch, int stepsPerEpoch, double trainLoss, double? validationLoss)
    {
        Add(new LossRecord(LossKind.Train, epoch, stepsPerEpoch, stepsPerEpoch, trainLoss));
        if (validationLoss is { } v)
        {
            Add(new LossRecord(LossKind.Validation, epoch, stepsPerEpoch, stepsPerEpoch, v));
        }
    }

    /// <summary>The step counted from the start of epoch 1, <c>(Epoch − 1) · StepsPerEpoch + Step</c>, assuming every
    /// epoch has the record's number of steps (as the trainer's epochs do); null when that number is not known.</summary>
    public static long? GlobalStep(LossRecord record) =>
        record.StepsPerEpoch > 0 ? (long)(record.Epoch - 1) * record.StepsPerEpoch + record.Step : null;
}

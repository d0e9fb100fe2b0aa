using HourglassSimd.Datasets;

namespace HourglassSimd.Training;

/// <summary>A batch on the host: inputs [N, 3, res, res] and targets [N, J, res/4, res/4], both row-major.</summary>
public sealed class TrainingBatch
{
    public TrainingBatch(int count, float[] inputs, float[] targets)
    {
        Count = count;
        Inputs = inputs;
        Targets = targets;
    }

    public int Count { get; }

    public float[] Inputs { get; }

    public float[] Targets { get; }

    /// <summary>Builds the samples in parallel; the augmentation draws are made beforehand so a seed reproduces them.</summary>
    public static TrainingBatch Build(SampleBuilder builder, IReadOnlyList<MpiiAnnotation> samples, IReadOnlyList<Augmentation> augmentations)
    {
        ArgumentNullException.ThrowIfNull(builder);
        int n = samples.Count;
        var inputs = new float[n * builder.InputLength];
        var targets = new float[n * builder.TargetLength];
        try
        {
            Parallel.For(0, n, i => builder.Build(
                samples[i],
                augmentations[i],
                inputs.AsSpan(i * builder.InputLength, builder.InputLength),
                targets.AsSpan(i * builder.TargetLength, builder.TargetLength)));
        }
        catch (AggregateException e) when (e.InnerExceptions[0] is TrainingException first)
        {
            throw first; // keep the one-line data error (e.g. an undecodable image) for the console
        }

        return new TrainingBatch(n, inputs, targets);
    }
}

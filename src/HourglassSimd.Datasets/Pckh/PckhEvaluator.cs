using HourglassSimd.Pose;
namespace HourglassSimd.Datasets;

/// <summary>
/// PCKh (hourglass-spec §4.4): a predicted joint is correct when its distance to the ground truth is strictly less than
/// <c>threshold × head size</c>, head size = 0.6 × head-box diagonal (or a given normaliser). Only annotated joints count
/// (occluded-but-annotated ones included). Collects normalised distances, so any threshold and a whole curve can be
/// evaluated afterwards. Not thread-safe.
/// </summary>
public sealed class PckhEvaluator
{
    /// <summary>Head size = <c>HeadSizeFactor</c> × head-box diagonal (the MPII convention).</summary>
    public const float HeadSizeFactor = 0.6f;

    /// <summary>The standard threshold (PCKh@0.5).</summary>
    public const float DefaultThreshold = 0.5f;

    private readonly List<float>[] _distances;

    /// <summary>Creates an evaluator for <paramref name="joints"/> joints (16 for MPII; the body-part groups need 16).</summary>
    public PckhEvaluator(int joints = 16)
    {
        if (joints < 1)
            throw new ArgumentOutOfRangeException(nameof(joints), joints, "joints must be at least 1.");
        _distances = new List<float>[joints];
        for (int j = 0; j < joints; j++)
            _distances[j] = [];
    }

    /// <summary>Thresholds of <see cref="EvaluateCurve"/> by default: 0, 0.05, …, 0.5.</summary>
    public static IReadOnlyList<float> DefaultCurveThresholds { get; } = [.. Enumerable.Range(0, 11).Select(i => i * 0.05f)];

    /// <summary>Joints per person.</summary>
    public int Joints => _distances.Length;

    /// <summary>People added with a head size.</summary>
    public int PeopleEvaluated { get; private set; }

    /// <summary>People passed to <see cref="Add(PoseResult, MpiiAnnotation)"/> without a head size, and so skipped.</summary>
    public int PeopleWithoutHeadSize { get; private set; }

    /// <summary>The MPII head size of a head box: 0.6 × its diagonal.</summary>
    public static float HeadSizeFromBox(float x1, float y1, float x2, float y2) =>
        HeadSizeFactor * MathF.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));

    /// <summary>Adds one person.</summary>
    /// <param name="predicted">Predicted keypoints (image coordinates), joint order as the truth. A non-finite prediction counts as wrong.</param>
    /// <param name="truth">Ground-truth joints; unannotated ones are skipped.</param>
    /// <param name="headSize">The normaliser in pixels (0.6 × head-box diagonal).</param>
    /// <exception cref="ArgumentException">A joint count differs from <see cref="Joints"/>, or the head size is not positive.</exception>
    public void Add(IReadOnlyList<Keypoint> predicted, IReadOnlyList<AnnotatedJoint> truth, float headSize)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Count != Joints)
            throw new ArgumentException($"{predicted.Count} predicted joints; the evaluator expects {Joints}.", nameof(predicted));
        if (truth.Count != Joints)
            throw new ArgumentException($"{truth.Count} ground-truth joints; the evaluator expects {Joints}.", nameof(truth));
        if (!float.IsFinite(headSize) || headSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(headSize), headSize, "headSize must be finite and greater than 0.");
        for (int j = 0; j < Joints; j++)
        {
            if (!truth[j].IsAnnotated)
                continue;
            double dx = predicted[j].X - truth[j].X, dy = predicted[j].Y - truth[j].Y;
            double distance = Math.Sqrt(dx * dx + dy * dy) / headSize;
            _distances[j].Add(double.IsFinite(distance) ? (float)distance : float.PositiveInfinity);
        }
        PeopleEvaluated++;
    }

    /// <summary>Adds one person with its annotation's head size; returns false (and counts it) when the annotation has none.</summary>
    public bool Add(PoseResult prediction, MpiiAnnotation truth)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        if (truth.HeadSize is not { } headSize)
        {
            PeopleWithoutHeadSize++;
            return false;
        }
        Add(prediction.Keypoints, truth.Joints, headSize);
        return true;
    }

    /// <summary>PCKh at one threshold (default 0.5).</summary>
    public PckhResult Evaluate(float threshold = DefaultThreshold)
    {
        if (!float.IsFinite(threshold) || threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be finite and at least 0.");
        var correct = new int[Joints];
        var counts = new int[Joints];
        for (int j = 0; j < Joints; j++)
        {
            counts[j] = _distances[j].Count;
            foreach (float d in _distances[j])
            {
                if (d < threshold)
                    correct[j]++;
            }
        }
        return new PckhResult(threshold, correct, counts);
    }

    /// <summary>PCKh at each threshold (default <see cref="DefaultCurveThresholds"/>: 0 to 0.5 in steps of 0.05).</summary>
    public IReadOnlyList<PckhResult> EvaluateCurve(IReadOnlyList<float>? thresholds = null) =>
        [.. (thresholds ?? DefaultCurveThresholds).Select(Evaluate)];
}

namespace HourglassSimd.Pose;

/// <summary>One person's decoded pose: a keypoint per joint (layout order), the box it was estimated in and a score.</summary>
public sealed class PoseResult
{
    private readonly Keypoint[] _keypoints;

    /// <summary>Creates a result.</summary>
    /// <exception cref="ArgumentException">The keypoint count differs from the layout's joint count.</exception>
    public PoseResult(IReadOnlyList<Keypoint> keypoints, PersonBox box, JointLayout layout)
    {
        ArgumentNullException.ThrowIfNull(keypoints);
        ArgumentNullException.ThrowIfNull(layout);
        if (keypoints.Count != layout.Count)
            throw new ArgumentException($"{keypoints.Count} keypoints for a layout of {layout.Count} joints.", nameof(keypoints));
        _keypoints = [.. keypoints];
        Box = box;
        Layout = layout;
        double sum = 0;
        foreach (var k in _keypoints)
            sum += k.Confidence;
        Score = (float)(sum / _keypoints.Length);
    }

    /// <summary>Keypoints in layout order (image coordinates).</summary>
    public IReadOnlyList<Keypoint> Keypoints => _keypoints;

    /// <summary>The person box the pose was estimated in.</summary>
    public PersonBox Box { get; }

    /// <summary>The joint layout (names, flip pairs, skeleton).</summary>
    public JointLayout Layout { get; }

    /// <summary>Person score: the mean of the keypoint confidences.</summary>
    public float Score { get; }

    /// <summary>
    /// False when a coordinate, a confidence or the score is NaN or infinite: what heatmaps that overflowed (broken or
    /// absurdly scaled weights) decode to. The network checks that its input is finite, not its output.
    /// </summary>
    public bool IsFinite => float.IsFinite(Score) && _keypoints.All(k => float.IsFinite(k.X) && float.IsFinite(k.Y) && float.IsFinite(k.Confidence));

    /// <summary>The keypoint of joint <paramref name="jointName"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layout has no such joint.</exception>
    public Keypoint this[string jointName]
    {
        get
        {
            int at = Layout.IndexOf(jointName);
            if (at < 0)
                throw new KeyNotFoundException($"layout {Layout.Name} has no joint '{jointName}'.");
            return _keypoints[at];
        }
    }

    /// <summary>Flat <c>[x0, y0, c0, x1, y1, c1, …]</c>, the COCO keypoint-results order with the confidence in the third slot.</summary>
    public float[] ToFlatArray()
    {
        var flat = new float[3 * _keypoints.Length];
        for (int i = 0; i < _keypoints.Length; i++)
        {
            flat[3 * i] = _keypoints[i].X;
            flat[3 * i + 1] = _keypoints[i].Y;
            flat[3 * i + 2] = _keypoints[i].Confidence;
        }
        return flat;
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"{Layout.Name} pose, score {Score:0.###}, {Box}");
}

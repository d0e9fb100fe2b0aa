using HourglassSimd.Pose;

namespace HourglassSimd;

/// <summary>
/// What a model carries beside its architecture and weights: the input normalization the weights were trained with,
/// what the heatmap channels mean (the joint layout) and where the weights came from. A network loaded from an
/// <c>.hgw</c> file gets the file's metadata (<see cref="HourglassNetwork.Metadata"/>), and <see cref="PoseEstimator"/>
/// uses it unless told otherwise.
/// </summary>
public sealed record ModelMetadata
{
    private readonly InputNormalization _normalization;
    private readonly JointLayout _jointLayout;

    /// <summary>Creates the metadata.</summary>
    /// <param name="normalization">How pixels become input values for the weights.</param>
    /// <param name="jointLayout">What the heatmap channels mean.</param>
    /// <param name="jointLayoutAssumed">True when the layout was guessed from the joint count rather than stated.</param>
    /// <param name="source">Free text on where the weights came from, or null.</param>
    public ModelMetadata(InputNormalization normalization, JointLayout jointLayout, bool jointLayoutAssumed = false, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentNullException.ThrowIfNull(jointLayout);
        _normalization = normalization;
        _jointLayout = jointLayout;
        JointLayoutAssumed = jointLayoutAssumed;
        Source = source;
    }

    /// <summary>How 8-bit pixels become the network's input values for these weights.</summary>
    public InputNormalization Normalization
    {
        get => _normalization;
        init => _normalization = value ?? throw new ArgumentNullException(nameof(Normalization));
    }

    /// <summary>Joint names, flip pairs and skeleton of the heatmap channels; its count equals the architecture's joints.</summary>
    public JointLayout JointLayout
    {
        get => _jointLayout;
        init => _jointLayout = value ?? throw new ArgumentNullException(nameof(JointLayout));
    }

    /// <summary>
    /// True when <see cref="JointLayout"/> was not stated but guessed from the joint count
    /// (<see cref="JointLayout.ForJointCount"/>: 16 → MPII, 17 → COCO, otherwise generic names).
    /// </summary>
    public bool JointLayoutAssumed { get; init; }

    /// <summary>Free text on where the weights came from (e.g. the converted checkpoint's file name), or null.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The metadata of a model that states nothing: pixel / 255 (<see cref="InputNormalization.Default"/>) and
    /// <see cref="JointLayout.ForJointCount"/>, marked assumed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="joints"/> is less than 1.</exception>
    public static ModelMetadata ForJointCount(int joints) =>
        new(InputNormalization.Default, JointLayout.ForJointCount(joints), jointLayoutAssumed: true);
}

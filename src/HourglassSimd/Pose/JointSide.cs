namespace HourglassSimd.Pose;

/// <summary>The body side of a joint, as seen from the person (used for colouring).</summary>
public enum JointSide
{
    /// <summary>On the body's mid-line (pelvis, head top, nose…) or unknown.</summary>
    Center,

    /// <summary>The person's left side.</summary>
    Left,

    /// <summary>The person's right side.</summary>
    Right,
}

using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// A posed person in 3D, in the body's own frame: x towards the person's left, y up, z forwards (the way the person
/// faces), the pelvis at the origin, standing height 1. <see cref="Joints"/> holds the 16 MPII joints in MPII order.
/// </summary>
internal sealed class BodySkeleton
{
    public const int RightAnkle = 0, RightKnee = 1, RightHip = 2, LeftHip = 3, LeftKnee = 4, LeftAnkle = 5, Pelvis = 6, Thorax = 7,
        UpperNeck = 8, HeadTop = 9, RightWrist = 10, RightElbow = 11, RightShoulder = 12, LeftShoulder = 13, LeftElbow = 14, LeftWrist = 15;

    public required Vector3[] Joints { get; init; }

    /// <summary>Ends of the hands (beyond the wrists), right then left.</summary>
    public required Vector3[] HandTips { get; init; }

    /// <summary>Toe points (beyond the ankles), right then left.</summary>
    public required Vector3[] Toes { get; init; }

    /// <summary>Unit vector the face looks along.</summary>
    public required Vector3 HeadForward { get; init; }

    /// <summary>Unit vector from the right to the left shoulder.</summary>
    public required Vector3 ShoulderAxis { get; init; }

    /// <summary>Unit vector the chest faces.</summary>
    public required Vector3 ChestForward { get; init; }
}

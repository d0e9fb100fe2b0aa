namespace HourglassSimd.Datasets.Synthetic;

/// <summary>The drawn parts of a person; a pixel's owner is <c>person · 32 + part</c>.</summary>
internal enum PersonPart
{
    Torso,
    Hips,
    Neck,
    Head,
    RightUpperArm,
    RightForearm,
    RightHand,
    LeftUpperArm,
    LeftForearm,
    LeftHand,
    RightThigh,
    RightShin,
    RightFoot,
    LeftThigh,
    LeftShin,
    LeftFoot,
}

internal static class PersonParts
{
    public const int PerPerson = 32;

    /// <summary>For each MPII joint, the parts that meet at it: the joint is visible when one of them owns its pixel.</summary>
    public static readonly PersonPart[][] AtJoint =
    [
        [PersonPart.RightShin, PersonPart.RightFoot],
        [PersonPart.RightThigh, PersonPart.RightShin],
        [PersonPart.RightThigh, PersonPart.Hips, PersonPart.Torso],
        [PersonPart.LeftThigh, PersonPart.Hips, PersonPart.Torso],
        [PersonPart.LeftThigh, PersonPart.LeftShin],
        [PersonPart.LeftShin, PersonPart.LeftFoot],
        [PersonPart.Torso, PersonPart.Hips, PersonPart.RightThigh, PersonPart.LeftThigh],
        [PersonPart.Torso, PersonPart.Neck],
        [PersonPart.Neck, PersonPart.Head],
        [PersonPart.Head],
        [PersonPart.RightForearm, PersonPart.RightHand],
        [PersonPart.RightUpperArm, PersonPart.RightForearm],
        [PersonPart.RightUpperArm, PersonPart.Torso],
        [PersonPart.LeftUpperArm, PersonPart.Torso],
        [PersonPart.LeftUpperArm, PersonPart.LeftForearm],
        [PersonPart.LeftForearm, PersonPart.LeftHand],
    ];
}

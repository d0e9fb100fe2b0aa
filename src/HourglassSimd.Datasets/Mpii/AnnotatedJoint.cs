namespace HourglassSimd.Datasets;

/// <summary>A ground-truth joint: image coordinates, the visibility flag and whether it is annotated at all.</summary>
/// <param name="X">x in image pixels.</param>
/// <param name="Y">y in image pixels.</param>
/// <param name="IsVisible">The annotation's visibility flag (MPII: 0 = occluded). PCKh counts occluded joints too.</param>
/// <param name="IsAnnotated">Whether the joint has a position; missing joints are skipped by PCKh.</param>
public readonly record struct AnnotatedJoint(float X, float Y, bool IsVisible, bool IsAnnotated = true)
{
    /// <summary>A joint without annotation.</summary>
    public static AnnotatedJoint Missing => new(0, 0, false, false);
}

namespace HourglassSimd.Training;

/// <summary>One joint of an annotation, in original-image pixel coordinates.</summary>
/// <param name="IsAnnotated">False for joints the annotation lacks (MPII writes them as (0, 0) or negative).</param>
/// <param name="IsVisible">The annotation's visibility flag; informational (occluded joints are still trained).</param>
public readonly record struct JointAnnotation(float X, float Y, bool IsAnnotated, bool IsVisible);

/// <summary>One person: image, joints, box centre and scale (box side = 200·<paramref name="Scale"/> pixels, spec §2.1).</summary>
/// <remarks><paramref name="Center"/> and <paramref name="Scale"/> are the values the crop uses (already adjusted, see <see cref="BoxAdjustment"/>).</remarks>
public sealed record PoseAnnotation(
    string ImageFile,
    IReadOnlyList<JointAnnotation> Joints,
    float CenterX,
    float CenterY,
    float Scale,
    bool IsValidation);

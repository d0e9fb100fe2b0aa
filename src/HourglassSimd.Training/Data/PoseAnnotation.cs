namespace HourglassSimd.Training;

/// <summary>One person: image, joints, box centre and scale (box side = 200·<paramref name="Scale"/> pixels, spec §2.1).</summary>
/// <remarks><paramref name="Center"/> and <paramref name="Scale"/> are the values the crop uses (already adjusted, see <see cref="BoxAdjustment"/>).</remarks>
public sealed record PoseAnnotation(
    string ImageFile,
    IReadOnlyList<JointAnnotation> Joints,
    float CenterX,
    float CenterY,
    float Scale,
    bool IsValidation);

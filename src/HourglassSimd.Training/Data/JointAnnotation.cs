namespace HourglassSimd.Training;

/// <summary>One joint of an annotation, in original-image pixel coordinates.</summary>
/// <param name="IsAnnotated">False for joints the annotation lacks (MPII writes them as (0, 0) or negative).</param>
/// <param name="IsVisible">The annotation's visibility flag; informational (occluded joints are still trained).</param>
public readonly record struct JointAnnotation(float X, float Y, bool IsAnnotated, bool IsVisible);

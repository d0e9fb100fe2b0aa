using HourglassSimd.Pose;
namespace HourglassSimd.Datasets;

/// <summary>One person of an MPII-style annotation file (see <see cref="MpiiAnnotationReader"/> for the fields).</summary>
public sealed record MpiiAnnotation
{
    /// <summary>0-based position of the record in its file.</summary>
    public required int Index { get; init; }

    /// <summary>Image file name as written in the file (<c>img_paths</c>), usually relative to the MPII image folder.</summary>
    public required string ImagePath { get; init; }

    /// <summary>Ground-truth joints (<c>joint_self</c>), in file order (MPII order for MPII files).</summary>
    public required IReadOnlyList<AnnotatedJoint> Joints { get; init; }

    /// <summary>Raw person centre x (<c>objpos[0]</c>).</summary>
    public required float ObjectPositionX { get; init; }

    /// <summary>Raw person centre y (<c>objpos[1]</c>).</summary>
    public required float ObjectPositionY { get; init; }

    /// <summary>Raw scale (<c>scale_provided</c>): person height / 200.</summary>
    public required float ScaleProvided { get; init; }

    /// <summary>The crop box: the raw centre and scale with the MPII adjustment (cy + 15·s, then 1.25·s) unless the reader was told they are already adjusted.</summary>
    public required PersonBox Box { get; init; }

    /// <summary>Whether the record belongs to the validation split (<c>isValidation</c>).</summary>
    public bool IsValidation { get; init; }

    /// <summary>PCKh normaliser in pixels (0.6 × head-box diagonal), or null when the record has neither <c>normalize</c> nor <c>head_rect</c>.</summary>
    public float? HeadSize { get; init; }
}

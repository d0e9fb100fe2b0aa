namespace HourglassSimd.Training;

/// <summary>How the annotation's <c>objpos</c>/<c>scale_provided</c> become the crop box (spec §2.1).</summary>
public enum BoxAdjustment
{
    /// <summary>Raw MPII values (as in the common JSON): centre y += 15·s, then s ← 1.25·s.</summary>
    Mpii,

    /// <summary>Use the values as they are (already adjusted boxes, or non-MPII data).</summary>
    None,
}

namespace HourglassSimd.Pose;

/// <summary>Sub-pixel refinement of a heatmap maximum (hourglass-spec §3.2, step 2).</summary>
public enum PeakRefinement
{
    /// <summary>
    /// The reference rule (Lua pose-hg-train, bearpaw, MMPose <c>refine_keypoints</c>), the default: when the maximum is
    /// not on the border (1 ≤ k ≤ size − 2 on both axes), move 0.25 pixel toward the higher neighbour on each axis
    /// (no move on a tie); on the border, no move.
    /// </summary>
    QuarterOffset,

    /// <summary>
    /// princeton-vl parity: when the maximum is greater than 0, always move 0.25 pixel per axis, toward the higher-index
    /// neighbour if it is strictly greater, otherwise toward the lower one (neighbours outside the map take the centre
    /// value); when the maximum is ≤ 0, no move and no half-pixel centring (the coordinate is the integer index).
    /// </summary>
    PrincetonVl,

    /// <summary>No refinement: the centre of the maximal heatmap pixel.</summary>
    None,

    /// <summary>
    /// DARK's distribution-aware rule (Zhang et al., CVPR 2020): the maximum of a second-order Taylor expansion of the
    /// log of the Gaussian-smoothed heatmap about the argmax (sigma 1 heatmap pixel), a continuous shift of up to one
    /// pixel per axis. Where it has no answer (argmax on the border, maximum ≤ 0, a surface not curved downward) it
    /// falls back to <see cref="QuarterOffset"/>.
    /// </summary>
    Taylor,
}

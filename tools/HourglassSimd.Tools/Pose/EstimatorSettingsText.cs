using HourglassSimd.Pose;
using HourglassSimd.Tools.Commands;

namespace HourglassSimd.Tools.Pose;

/// <summary>How <c>infer</c> and <c>eval</c> estimated the poses, for their summary lines.</summary>
internal static class EstimatorSettingsText
{
    /// <summary>
    /// <c>flip test on</c> or <c>flip test off</c>, then <c>, scales 0.8,1,1.2</c> when the scales are not the default
    /// single 1, and <c>, Taylor refinement</c> when the sub-pixel rule is not the default quarter offset.
    /// </summary>
    public static string Of(PoseEstimatorOptions options) =>
        (options.FlipTest ? "flip test on" : "flip test off") + (ScaleList.IsDefault(options.Scales) ? "" : $", scales {ScaleList.Format(options.Scales)}") +
        (options.Refinement == PeakRefinement.QuarterOffset ? "" : $", {options.Refinement} refinement");
}

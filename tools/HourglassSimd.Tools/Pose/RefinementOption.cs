using System.CommandLine;
using HourglassSimd.Pose;
using HourglassSimd.Tools.Commands;

namespace HourglassSimd.Tools.Pose;

/// <summary>The <c>--refinement</c> option of <c>infer</c> and <c>eval</c>: see <see cref="PeakRefinement"/>.</summary>
internal static class RefinementOption
{
    public static Option<PeakRefinement> Create() => EnumOption.Create("--refinement", PeakRefinement.QuarterOffset,
        "Sub-pixel rule for each heatmap maximum: QuarterOffset (the reference rule, the default), Taylor (DARK: the maximum " +
        "of a Taylor expansion of the smoothed log-heatmap, a continuous shift), PrincetonVl or None.");
}

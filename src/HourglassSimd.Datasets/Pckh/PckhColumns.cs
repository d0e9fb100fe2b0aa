using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// The columns <c>eval</c> reports: for 16-joint (MPII) models the usual groups Head, Shoulder, Elbow, Wrist, Hip,
/// Knee, Ankle and Mean; for any other joint count one column per joint and Mean (then count-weighted over all joints).
/// </summary>
public static class PckhColumns
{
    /// <summary>Column names and values of <paramref name="result"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, double>> Of(PckhResult result, JointLayout layout)
    {
        if (result.PerJoint.Count == 16)
            return result.Groups;
        var columns = new List<KeyValuePair<string, double>>();
        for (int j = 0; j < result.PerJoint.Count; j++)
            columns.Add(new(layout.Names[j], result.PerJoint[j]));
        columns.Add(new("Mean", result.Mean));
        return columns;
    }

    /// <summary>Which mean <see cref="PckhResult.Mean"/> is, in words.</summary>
    public static string MeanDefinition(int joints) => joints == 16
        ? "count-weighted over the 14 joints other than pelvis and thorax (correct / annotated; the official-style number, as MMPose reports it)"
        : $"count-weighted over all {joints} joints (correct / annotated)";
}

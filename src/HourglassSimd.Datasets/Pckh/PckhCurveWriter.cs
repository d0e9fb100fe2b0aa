using System.Globalization;
using System.Text;
using HourglassSimd.IO;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// Writes the PCKh curve as CSV: header <c>threshold,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean</c> (other joint
/// counts: <c>threshold,&lt;joint names&gt;,Mean</c>), then one row per threshold. Percentages with 4 decimals, invariant
/// culture; an empty cell where no joint of that kind is annotated.
/// </summary>
public static class PckhCurveWriter
{
    /// <summary>
    /// Writes the curve (one row per threshold, one column per joint group and the mean) as CSV to <paramref name="path"/>,
    /// atomically (<see cref="AtomicFile"/>).
    /// </summary>
    public static void Write(string path, IReadOnlyList<PckhResult> curve, JointLayout layout)
    {
        var text = new StringBuilder();
        text.Append("threshold");
        foreach (var column in PckhColumns.Of(curve[0], layout))
            text.Append(',').Append(column.Key);
        text.Append('\n');
        foreach (var point in curve)
        {
            text.Append(point.Threshold.ToString("0.###", CultureInfo.InvariantCulture));
            foreach (var column in PckhColumns.Of(point, layout))
                text.Append(',').Append(double.IsNaN(column.Value) ? "" : column.Value.ToString("0.0000", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}

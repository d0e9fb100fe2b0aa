using HourglassSimd.Datasets;
using System.Globalization;
using HourglassSimd.Pose;

namespace HourglassSimd.Tools.Pose;

/// <summary>Prints <c>eval</c>'s PCKh table: one header row of column names, one row of percentages, and which mean it is.</summary>
internal static class PckhTable
{
    public static void Write(TextWriter writer, PckhResult result, JointLayout layout)
    {
        var columns = PckhColumns.Of(result, layout);
        int width = Math.Max(9, columns.Max(c => c.Key.Length) + 1);
        writer.WriteLine(string.Concat(columns.Select(c => c.Key.PadLeft(width))));
        writer.WriteLine(string.Concat(columns.Select(c => Format(c.Value).PadLeft(width))));
        writer.WriteLine($"Mean: {PckhColumns.MeanDefinition(result.PerJoint.Count)}.");
        if (result.PerJoint.Count == 16)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Unweighted mean of those 14 joints: {Format(result.UnweightedMean)}; total over all 16 joints (count-weighted): {Format(result.Total)}."));
    }

    /// <summary>Two decimals, or "-" where no joint of that kind is annotated.</summary>
    public static string Format(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);
}

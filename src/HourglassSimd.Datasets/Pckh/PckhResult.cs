using System.Globalization;
using System.Text;

namespace HourglassSimd.Datasets;

/// <summary>
/// PCKh at one threshold, in percent (0–100). Per joint, the MPII body-part groups and three summaries:
/// <see cref="Mean"/> (the headline number: count-weighted over the 14 joints without pelvis and thorax),
/// <see cref="UnweightedMean"/> (plain mean of those 14 per-joint values) and <see cref="Total"/> (count-weighted
/// over all joints). A value with no annotated instance is NaN.
/// </summary>
public sealed class PckhResult
{
    // MPII indices (hourglass-spec §4.1).
    private const int Pelvis = 6, Thorax = 7;
    private readonly double[] _perJoint;
    private readonly int[] _counts;
    private readonly int[] _correct;

    internal PckhResult(float threshold, int[] correct, int[] counts)
    {
        Threshold = threshold;
        _correct = correct;
        _counts = counts;
        _perJoint = [.. correct.Zip(counts, (c, n) => n == 0 ? double.NaN : 100.0 * c / n)];
        Total = Weighted(Enumerable.Range(0, counts.Length));

        if (counts.Length == 16)
        {
            var fourteen = Enumerable.Range(0, 16).Where(j => j != Pelvis && j != Thorax).ToArray();
            Head = _perJoint[9];
            Shoulder = Pair(12, 13);
            Elbow = Pair(11, 14);
            Wrist = Pair(10, 15);
            Hip = Pair(2, 3);
            Knee = Pair(1, 4);
            Ankle = Pair(0, 5);
            Mean = Weighted(fourteen);
            UnweightedMean = Unweighted(fourteen);
        }
        else
        {
            Head = Shoulder = Elbow = Wrist = Hip = Knee = Ankle = double.NaN;
            Mean = Total;
            UnweightedMean = Unweighted(Enumerable.Range(0, counts.Length));
        }
    }

    /// <summary>The threshold, as a fraction of the head size.</summary>
    public float Threshold { get; }

    /// <summary>Per-joint PCKh in percent (NaN where no joint of that kind is annotated).</summary>
    public IReadOnlyList<double> PerJoint => _perJoint;

    /// <summary>Annotated instances per joint.</summary>
    public IReadOnlyList<int> Counts => _counts;

    /// <summary>Correct instances per joint.</summary>
    public IReadOnlyList<int> Correct => _correct;

    /// <summary>Head (head top, MPII joint 9).</summary>
    public double Head { get; }

    /// <summary>Mean of right and left shoulder (12, 13).</summary>
    public double Shoulder { get; }

    /// <summary>Mean of right and left elbow (11, 14).</summary>
    public double Elbow { get; }

    /// <summary>Mean of right and left wrist (10, 15).</summary>
    public double Wrist { get; }

    /// <summary>Mean of right and left hip (2, 3).</summary>
    public double Hip { get; }

    /// <summary>Mean of right and left knee (1, 4).</summary>
    public double Knee { get; }

    /// <summary>Mean of right and left ankle (0, 5).</summary>
    public double Ankle { get; }

    /// <summary>
    /// The reported mean: correct / annotated over the 14 MPII joints other than pelvis and thorax, i.e. weighted by
    /// instance count (official-style, MMPose <c>PCKh</c>). For other joint counts: equal to <see cref="Total"/>.
    /// </summary>
    public double Mean { get; }

    /// <summary>The unweighted mean of the same 14 per-joint values (bearpaw's evaluation script).</summary>
    public double UnweightedMean { get; }

    /// <summary>Correct / annotated over all joints (count-weighted; princeton-vl's "total" for 16 joints).</summary>
    public double Total { get; }

    /// <summary>The MPII table row in the usual order: Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, Mean.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Groups =>
    [
        new("Head", Head), new("Shoulder", Shoulder), new("Elbow", Elbow), new("Wrist", Wrist),
        new("Hip", Hip), new("Knee", Knee), new("Ankle", Ankle), new("Mean", Mean),
    ];

    /// <summary>A two-line table: group names, then values with two decimals.</summary>
    public override string ToString()
    {
        var header = new StringBuilder();
        var values = new StringBuilder();
        foreach (var (name, value) in Groups)
        {
            header.Append(CultureInfo.InvariantCulture, $"{name,9}");
            values.Append(CultureInfo.InvariantCulture, $"{value,9:0.00}");
        }
        return $"PCKh@{Threshold.ToString(CultureInfo.InvariantCulture)}\n{header}\n{values}";
    }

    private double Pair(int a, int b)
    {
        double x = _perJoint[a], y = _perJoint[b];
        return double.IsNaN(x) ? y : double.IsNaN(y) ? x : (x + y) / 2;
    }

    private double Weighted(IEnumerable<int> joints)
    {
        long correct = 0, count = 0;
        foreach (int j in joints)
        {
            correct += _correct[j];
            count += _counts[j];
        }
        return count == 0 ? double.NaN : 100.0 * correct / count;
    }

    private double Unweighted(IEnumerable<int> joints)
    {
        var present = joints.Select(j => _perJoint[j]).Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }
}

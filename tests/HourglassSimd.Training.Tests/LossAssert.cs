using System.Globalization;

namespace HourglassSimd.Training.Tests;

/// <summary>The training tests' loss checks, in one place so that they are themselves tested (LossAssertTests).</summary>
public static class LossAssert
{
    /// <summary>Every loss is finite and the last is below the first; the message lists them all.</summary>
    public static void FiniteAndFalling(IReadOnlyList<double> losses, string what = "training loss")
    {
        string all = string.Join(", ", losses.Select(l => l.ToString("0.000000", CultureInfo.InvariantCulture)));
        Assert.True(losses.Count >= 2, $"{what}: need at least two epochs, got [{all}]");
        int bad = losses.ToList().FindIndex(l => !double.IsFinite(l));
        Assert.True(bad < 0, $"{what} is not finite at epoch {bad + 1}: [{all}]");
        Assert.True(losses[^1] < losses[0], $"{what} did not fall: [{all}]");
    }

    /// <summary>Every value is finite; the message lists them all.</summary>
    public static void Finite(IEnumerable<double?> losses, string what)
    {
        double?[] values = losses.ToArray();
        Assert.True(values.All(l => l is { } v && double.IsFinite(v)),
            $"{what} missing or not finite: [{string.Join(", ", values.Select(l => l?.ToString(CultureInfo.InvariantCulture) ?? "none"))}]");
    }
}

using FsCheck.Xunit;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Quantization;

/// <summary><see cref="MseRangeSearch"/>: it clips rare far outliers, keeps a range that has none, and never does worse than the full range.</summary>
public sealed class MseRangeSearchTests
{
    private static FloatActivationRun.Map Map(float[] values)
    {
        var map = new FloatActivationRun.Map(1, 1, values.Length);
        values.CopyTo(map.Data, 0);
        return map;
    }

    private static (float Min, float Max) Search(float[] values)
    {
        var search = new MseRangeSearch(new Dictionary<string, (float, float)> { ["x"] = (values.Min(), values.Max()) });
        search.Observe("x", Map(values));
        return search.Range("x");
    }

    [Fact]
    public void A_single_far_outlier_is_kept_because_it_carries_most_of_the_squared_error()
    {
        // 100,000 values in [0, 1] hold about 33,000 of energy; one value at 1000 holds 1,000,000. Clipping it costs
        // more than the coarser rounding of the rest: the objective is squared error, not a share of the values.
        var random = new Random(1);
        float[] values = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextSingle()), 1000f];
        var (min, max) = Search(values);
        Assert.Equal(0f, min);
        Assert.InRange(max, 800f, 1000f);
    }

    [Fact]
    public void A_long_thin_tail_is_clipped()
    {
        // Exponential values (a Laplace tail): the largest of a million is near ln(10^6) ≈ 13.8, but the rounding
        // noise that range costs every value outweighs the few values beyond about 10.
        var random = new Random(3);
        float[] values = [.. Enumerable.Range(0, 1_000_000).Select(_ => (float)-Math.Log(1 - random.NextDouble()))];
        var (min, max) = Search(values);
        Assert.Equal(0f, min);
        Assert.InRange(max, 6f, 0.9f * values.Max());
    }

    [Fact]
    public void A_range_without_outliers_is_kept_nearly_whole()
    {
        var random = new Random(2);
        float[] values = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextSingle() * 2 - 1)];
        var (min, max) = Search(values);
        Assert.InRange(min, -1f, -0.9f);
        Assert.InRange(max, 0.9f, 1f);
    }

    /// <summary>The chosen range's true squared error (clip + round) is at most the full range's, within the histogram's resolution.</summary>
    [Property(MaxTest = 40)]
    public void The_chosen_range_does_not_lose_to_the_full_range(int seed, byte spread)
    {
        var random = new Random(seed);
        double tail = 1 + spread / 8.0;
        float[] values = [.. Enumerable.Range(0, 5_000).Select(_ => (float)(Math.Pow(random.NextDouble(), tail) * (random.Next(2) == 0 ? -1 : 3)))];
        var (min, max) = Search(values);
        Assert.True(min <= 0 && max >= 0);
        double chosen = Error(values, min, max), full = Error(values, values.Min(), values.Max());
        Assert.True(chosen <= full * 1.05, $"chosen [{min}, {max}] error {chosen} against the full range's {full}");
    }

    private static double Error(float[] values, float min, float max)
    {
        var q = ActivationQuantization.FromRange(min, max);
        return values.Sum(v => { double e = q.Dequantize(q.Quantize(v)) - v; return e * e; });
    }
}

namespace HourglassSimd.Quantization;

/// <summary>
/// <see cref="CalibrationMethod.Mse"/>: per activation, a histogram over its whole calibrated range (a second pass over
/// the calibration images), then the clipping range [lo, hi] (0 inside) that minimizes the expected squared error of
/// u8 quantization: values inside cost the rounding noise step² / 12, values outside their distance to the nearer
/// bound, squared. Wide outliers are kept when they carry enough of the energy, and clipped when the rounding noise
/// that keeping them costs every other value weighs more.
/// </summary>
internal sealed class MseRangeSearch(IReadOnlyDictionary<string, (float Min, float Max)> fullRanges)
{
    /// <summary>Bins per histogram.</summary>
    public const int Bins = 4096;

    /// <summary>Candidate bounds per side, from the full bound down to 1/1000 of it, geometrically.</summary>
    public const int Steps = 64;

    private readonly Dictionary<string, double[]> _histograms = new(StringComparer.Ordinal);

    public void Observe(string name, FloatActivationRun.Map map)
    {
        var (min, max) = Widened(fullRanges[name]);
        if (!_histograms.TryGetValue(name, out var histogram))
            _histograms[name] = histogram = new double[Bins];
        double width = (max - min) / Bins;
        if (width <= 0)
            return;
        foreach (float v in map.Data)
            histogram[Math.Clamp((int)((v - min) / width), 0, Bins - 1)]++;
    }

    /// <summary>The error-minimizing range of <paramref name="name"/> (its full range when it is all zeros).</summary>
    public (float Min, float Max) Range(string name)
    {
        var (min, max) = Widened(fullRanges[name]);
        if (!_histograms.TryGetValue(name, out var histogram) || max <= min)
            return ((float)min, (float)max);
        double width = (max - min) / Bins;
        var centers = Enumerable.Range(0, Bins).Select(b => min + (b + 0.5) * width).ToArray();
        var lows = Candidates(min);
        var highs = Candidates(max);
        (double Error, double Low, double High) best = (double.MaxValue, min, max);
        foreach (double low in lows)
        foreach (double high in highs)
        {
            if (high - low <= 0)
                continue;
            double step = (high - low) / 255, rounding = step * step / 12, error = 0;
            for (int b = 0; b < Bins; b++)
            {
                if (histogram[b] == 0)
                    continue;
                double x = centers[b];
                double d = x < low ? low - x : x > high ? x - high : 0;
                error += histogram[b] * (d > 0 ? d * d : rounding);
            }
            if (error < best.Error)
                best = (error, low, high);
        }
        return ((float)best.Low, (float)best.High);
    }

    /// <summary>The bound itself and Steps − 1 geometric fractions of it (only 0 for a bound of 0).</summary>
    private static double[] Candidates(double bound) =>
        bound == 0 ? [0] : [.. Enumerable.Range(0, Steps).Select(i => bound * Math.Pow(1e-3, (double)i / (Steps - 1)))];

    /// <summary>The range with 0 inside, as quantization widens it.</summary>
    private static (double Min, double Max) Widened((float Min, float Max) range) => (Math.Min(range.Min, 0), Math.Max(range.Max, 0));
}

namespace HourglassSimd.Quantization;

/// <summary>
/// Collects each named activation's range over the calibration images: the overall min and max
/// (<see cref="CalibrationMethod.MinMax"/>), or the mean over images of each image's low and high percentiles
/// (<see cref="CalibrationMethod.Percentile"/>, from a strided sample of at most <see cref="SampleSize"/> values).
/// </summary>
internal sealed class ActivationRanges(CalibrationMethod method, double percentile)
{
    /// <summary>Values of one tensor of one image that the percentile is taken from.</summary>
    public const int SampleSize = 1 << 16;

    private readonly Dictionary<string, (double Low, double High, int Images)> _ranges = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Observe(string name, FloatActivationRun.Map map)
    {
        var (low, high) = method == CalibrationMethod.MinMax ? MinMax(map.Data) : Percentiles(map.Data);
        if (!_ranges.TryGetValue(name, out var range))
        {
            _order.Add(name);
            _ranges[name] = (low, high, 1);
        }
        else if (method == CalibrationMethod.MinMax)
            _ranges[name] = (Math.Min(range.Low, low), Math.Max(range.High, high), range.Images + 1);
        else
            _ranges[name] = (range.Low + low, range.High + high, range.Images + 1);
    }

    /// <summary>The ranges, in the order the activations were first seen (network order).</summary>
    public IEnumerable<(string Name, (float Min, float Max) Range)> Ranges()
    {
        foreach (string name in _order)
        {
            var (low, high, images) = _ranges[name];
            yield return method == CalibrationMethod.MinMax
                ? (name, ((float)low, (float)high))
                : (name, ((float)(low / images), (float)(high / images)));
        }
    }

    private static (double, double) MinMax(float[] data) =>
        (System.Numerics.Tensors.TensorPrimitives.Min(data), System.Numerics.Tensors.TensorPrimitives.Max(data));

    private (double, double) Percentiles(float[] data)
    {
        int step = Math.Max(1, data.Length / SampleSize);
        var sample = new float[(data.Length + step - 1) / step];
        for (int i = 0, j = 0; i < data.Length; i += step, j++)
            sample[j] = data[i];
        Array.Sort(sample);
        double tail = (100 - percentile) / 100;
        int lowIndex = (int)Math.Floor(tail * (sample.Length - 1));
        int highIndex = (int)Math.Ceiling((1 - tail) * (sample.Length - 1));
        return (sample[lowIndex], sample[highIndex]);
    }
}

namespace HourglassSimd.TestSupport;

/// <summary>Seeded random arrays for kernel tests and benchmarks.</summary>
public static class TestArrays
{
    public static float[] Uniform(Random random, int length, float low = -1, float high = 1)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    public static float[] Abs(ReadOnlySpan<float> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = Math.Abs(values[i]);
        return result;
    }
}

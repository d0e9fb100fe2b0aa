namespace HourglassSimd.Interop.Checkpoints;

/// <summary>Arithmetic on tensor shapes read from untrusted checkpoint headers.</summary>
internal static class TensorShapes
{
    /// <summary>
    /// Number of elements of <paramref name="shape"/> (non-negative dimensions); saturates at <see cref="long.MaxValue"/>
    /// for shapes no file could hold, so that a size check compares instead of overflowing.
    /// </summary>
    public static long SaturatingElementCount(int[] shape)
    {
        if (shape.Contains(0))
            return 0;
        long count = 1;
        foreach (int d in shape)
            count = count > long.MaxValue / d ? long.MaxValue : count * d;
        return count;
    }
}

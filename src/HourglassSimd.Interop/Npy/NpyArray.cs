namespace HourglassSimd.Interop.Npy;

/// <summary>A float32 array read from or written to a <c>.npy</c> file: C-order values and their shape.</summary>
public sealed class NpyArray
{
    /// <summary>Creates an array; <paramref name="data"/> must hold the product of <paramref name="shape"/> values.</summary>
    public NpyArray(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(d => d < 0) || shape.Aggregate(1L, (a, d) => a * d) != data.LongLength)
            throw new ArgumentException($"shape {FormatShape(shape)} does not describe {data.Length} values.", nameof(shape));
        Shape = shape;
        Data = data;
    }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Values in C (row-major) order.</summary>
    public float[] Data { get; }

    /// <summary>Formats a shape the way NumPy prints it: <c>(2, 3, 64, 64)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}

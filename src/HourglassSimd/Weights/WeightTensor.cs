namespace HourglassSimd;

/// <summary>A named float32 tensor of the network's parameters, in PyTorch layout (convolutions OIHW).</summary>
public sealed class WeightTensor
{
    /// <summary>Creates a tensor; <paramref name="data"/> must hold exactly the product of <paramref name="shape"/> values.</summary>
    public WeightTensor(string name, int[] shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape {FormatShape(shape)}.", nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"Tensor '{name}' has shape {FormatShape(shape)} ({count} values) but {data.Length} values were given.", nameof(data));
        Name = name;
        Shape = shape;
        Data = data;
    }

    /// <summary>The checkpoint key, e.g. <c>pre.0.conv.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>Formats a shape as <c>[a, b, c]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {FormatShape(Shape)}";
}

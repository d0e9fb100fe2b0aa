namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// One entry of a checkpoint's state dict: its key as stored (prefixes not yet stripped), shape, element type and,
/// for floating-point tensors, the values converted to float32. Integer and boolean tensors (such as
/// <c>num_batches_tracked</c>) carry no values: nothing in the network is an integer.
/// </summary>
public sealed class CheckpointTensor
{
    /// <summary>Creates an entry; <paramref name="data"/> is null exactly when the type is not floating point.</summary>
    public CheckpointTensor(string name, int[] shape, TensorElementType elementType, float[]? data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (elementType.IsFloatingPoint() != data is not null)
            throw new ArgumentException($"Tensor '{name}' of type {elementType.TorchName()} must {(data is null ? "" : "not ")}have float32 values.", nameof(data));
        if (data is not null && data.LongLength != ElementCountOf(shape))
            throw new ArgumentException($"Tensor '{name}' has shape {FormatShape(shape)} but {data.Length} values.", nameof(data));
        Name = name;
        Shape = shape;
        ElementType = elementType;
        Data = data;
    }

    /// <summary>The key, e.g. <c>model.module.pre.0.conv.weight</c>.</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first (empty for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>The element type stored in the file.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The values as float32, row-major; null for integer and boolean tensors.</summary>
    public float[]? Data { get; }

    /// <summary>Number of elements.</summary>
    public long ElementCount => ElementCountOf(Shape);

    /// <summary>Formats a shape as <c>[a, b, c]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    private static long ElementCountOf(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ElementType.TorchName()} {FormatShape(Shape)}";
}

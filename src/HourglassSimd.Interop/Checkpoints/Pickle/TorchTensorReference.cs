namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> would rebuild it: a view of <see cref="Storage"/> starting at
/// element <see cref="StorageOffset"/> with <see cref="Shape"/> and <see cref="Stride"/> (in elements). Its data is
/// read only when the tensor is part of the state dict being loaded.
/// </summary>
public sealed record TorchTensorReference(TorchStorageReference Storage, long StorageOffset, int[] Shape, long[] Stride)
{
    /// <summary>Number of elements; saturates at <see cref="long.MaxValue"/> for shapes no file could hold.</summary>
    public long ElementCount => TensorShapes.SaturatingElementCount(Shape);

    /// <summary>
    /// True when the view is C-contiguous (row-major, no gaps). Strides of dimensions of size 1 do not matter, as in
    /// PyTorch's own definition.
    /// </summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Stride[d] != expected)
                    return Shape.Contains(0);
                expected *= Shape[d];
            }
            return true;
        }
    }
}

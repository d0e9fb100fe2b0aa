namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// A state-dict tensor as a checkpoint's header or pickle declares it, before its data is read: what the readers hand
/// to a <c>beforeData</c> check (such as <see cref="CheckpointConverter.CheckSizes"/>) so that a file whose tensors
/// cannot make the expected network is refused before anything is inflated or allocated.
/// </summary>
/// <param name="Name">The key as stored.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="ElementType">The element type stored in the file.</param>
public sealed record CheckpointTensorInfo(string Name, int[] Shape, TensorElementType ElementType)
{
    /// <summary>Number of elements; saturates at <see cref="long.MaxValue"/>.</summary>
    public long ElementCount => TensorShapes.SaturatingElementCount(Shape);
}

namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// A tensor storage of a <c>torch.save</c> zip, as its persistent id names it: the archive file <c>data/Key</c> holds
/// <see cref="ElementCount"/> little-endian elements of <see cref="ElementType"/>.
/// </summary>
public sealed record TorchStorageReference(string Key, TensorElementType ElementType, string Location, long ElementCount);

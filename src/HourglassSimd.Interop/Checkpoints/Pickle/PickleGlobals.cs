namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// The allow-list of Python globals a checkpoint pickle may name. Interpreted: <c>collections.OrderedDict</c>, the
/// tensor rebuild functions of <c>torch._utils</c> and the typed storage classes. Inert: a few plain-data classes seen
/// in training checkpoints next to the state dict (NumPy scalars and arrays, <c>argparse.Namespace</c>, sets,
/// <c>torch.device</c>, <c>torch.Size</c>), recorded as <see cref="PickleObject"/> and never constructed. Anything
/// else is rejected.
/// </summary>
public static class PickleGlobals
{
    private static readonly HashSet<string> Interpreted =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
    ];

    private static readonly HashSet<string> Inert =
    [
        "builtins.set", "builtins.frozenset", "__builtin__.set", "__builtin__.frozenset",
        "_codecs.encode",
        "argparse.Namespace",
        "numpy.dtype",
        "numpy.ndarray",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "torch.device",
        "torch.Size",
    ];

    private static readonly Dictionary<string, TensorElementType> Storages = new()
    {
        ["torch.FloatStorage"] = TensorElementType.Float32,
        ["torch.DoubleStorage"] = TensorElementType.Float64,
        ["torch.HalfStorage"] = TensorElementType.Float16,
        ["torch.BFloat16Storage"] = TensorElementType.BFloat16,
        ["torch.LongStorage"] = TensorElementType.Int64,
        ["torch.IntStorage"] = TensorElementType.Int32,
        ["torch.ShortStorage"] = TensorElementType.Int16,
        ["torch.CharStorage"] = TensorElementType.Int8,
        ["torch.ByteStorage"] = TensorElementType.UInt8,
        ["torch.BoolStorage"] = TensorElementType.Bool,
        ["torch.ComplexFloatStorage"] = TensorElementType.Complex64,
        ["torch.ComplexDoubleStorage"] = TensorElementType.Complex128,
        ["torch.UntypedStorage"] = TensorElementType.UInt8,
    };

    /// <summary>True when a pickle may name <paramref name="global"/>.</summary>
    public static bool IsAllowed(PickleGlobal global)
    {
        string name = global.ToString();
        return Interpreted.Contains(name) || Inert.Contains(name) || Storages.ContainsKey(name);
    }

    /// <summary>True for the plain-data classes kept as <see cref="PickleObject"/>.</summary>
    public static bool IsInert(PickleGlobal global) => Inert.Contains(global.ToString());

    /// <summary>The element type of a torch storage class, or null when <paramref name="global"/> is not one.</summary>
    public static TensorElementType? StorageElementType(PickleGlobal global) =>
        Storages.TryGetValue(global.ToString(), out var type) ? type : null;
}

namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// An object of an allowed but uninterpreted class (a NumPy scalar, <c>argparse.Namespace</c>, a set...), kept as
/// plain data: the class name, the constructor arguments and the state a <c>BUILD</c> gave it. Never instantiated.
/// </summary>
public sealed class PickleObject(PickleGlobal type, object?[] arguments)
{
    /// <summary>The class.</summary>
    public PickleGlobal Type { get; } = type;

    /// <summary>The arguments it would have been constructed with.</summary>
    public object?[] Arguments { get; } = arguments;

    /// <summary>The state a <c>BUILD</c> opcode set, or null.</summary>
    public object? State { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} object";
}

namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// A reference to a Python class or function by name (the pickle <c>GLOBAL</c> opcode). It is only a name: nothing is
/// imported or called; <see cref="PickleInterpreter"/> gives the few allowed names their meaning.
/// </summary>
public sealed record PickleGlobal(string Module, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Module}.{Name}";
}

namespace HourglassSimd.Tools.Checkpoints;

/// <summary>The element types a checkpoint tensor can have (the union of what the three supported formats store).</summary>
public enum TensorElementType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
    Complex64,
    Complex128,
}

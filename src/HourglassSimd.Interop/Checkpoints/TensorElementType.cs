namespace HourglassSimd.Interop.Checkpoints;

/// <summary>The element types a checkpoint tensor can have (the union of what the three supported formats store).</summary>
public enum TensorElementType
{
    /// <summary>32-bit IEEE float.</summary>
    Float32,
    /// <summary>64-bit IEEE float.</summary>
    Float64,
    /// <summary>16-bit IEEE half float.</summary>
    Float16,
    /// <summary>16-bit brain float (the upper half of a float32).</summary>
    BFloat16,
    /// <summary>Signed 64-bit integer.</summary>
    Int64,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>One byte per boolean.</summary>
    Bool,
    /// <summary>Two float32s (real, imaginary).</summary>
    Complex64,
    /// <summary>Two float64s (real, imaginary).</summary>
    Complex128,
}

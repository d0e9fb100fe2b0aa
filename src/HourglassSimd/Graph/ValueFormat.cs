namespace HourglassSimd.Graph;

/// <summary>How a <see cref="Value"/>'s elements are stored in the arena.</summary>
internal enum ValueFormat
{
    /// <summary>float32, channel-packed by 16 with a zero halo on the SIMD paths, plain CHW on the scalar path.</summary>
    Float,

    /// <summary>
    /// uint8 of a quantized plan, channel-last: each pixel holds its channels rounded up to 16 bytes
    /// (<see cref="Quantization.QuantizedLayout"/>), with a halo filled with the value's zero point.
    /// </summary>
    UInt8ChannelLast,

    /// <summary>Symmetric int16 of an int16 plan, laid out as <see cref="UInt8ChannelLast"/> with 2-byte elements and a halo of zeros.</summary>
    Int16ChannelLast,
}

using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>Sizes, names and the float32 conversion of <see cref="TensorElementType"/>.</summary>
public static class TensorElementTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this TensorElementType type) => type switch
    {
        TensorElementType.Float64 or TensorElementType.Int64 or TensorElementType.Complex64 => 8,
        TensorElementType.Float32 or TensorElementType.Int32 => 4,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 => 2,
        TensorElementType.Complex128 => 16,
        _ => 1,
    };

    /// <summary>True for the real floating-point types, which convert to float32.</summary>
    public static bool IsFloatingPoint(this TensorElementType type) =>
        type is TensorElementType.Float32 or TensorElementType.Float64 or TensorElementType.Float16 or TensorElementType.BFloat16;

    /// <summary>The PyTorch name (<c>float32</c>, <c>int64</c>, ...).</summary>
    public static string TorchName(this TensorElementType type) => type switch
    {
        TensorElementType.Float32 => "float32",
        TensorElementType.Float64 => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int16 => "int16",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Bool => "bool",
        TensorElementType.Complex64 => "complex64",
        TensorElementType.Complex128 => "complex128",
        _ => type.ToString(),
    };

    /// <summary>
    /// Converts little-endian elements of a floating-point <paramref name="type"/> to float32 (float64 is rounded,
    /// float16 and bfloat16 are exact).
    /// </summary>
    public static void ToFloat32(this TensorElementType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length * type.Size())
            throw new ArgumentException($"{source.Length} bytes do not hold {destination.Length} {type.TorchName()} values.", nameof(source));
        switch (type)
        {
            case TensorElementType.Float32 when BitConverter.IsLittleEndian:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case TensorElementType.Float32:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case TensorElementType.Float64 when BitConverter.IsLittleEndian:
                // (float)d for every element, vectorized; x64 and ARM64 read unaligned elements fine.
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(source), destination);
                break;
            case TensorElementType.Float64:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            case TensorElementType.Float16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case TensorElementType.Float16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case TensorElementType.BFloat16:
                // bfloat16 is the upper half of a float32.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                break;
            default:
                throw new ArgumentException($"{type.TorchName()} is not a floating-point type.", nameof(type));
        }
    }
}

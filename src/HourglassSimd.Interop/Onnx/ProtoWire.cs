namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// The protobuf wire format at the level a writer needs: a field key is <c>(field number &lt;&lt; 3) | wire type</c>
/// as a varint; varints are little-endian base-128 with the high bit marking "more bytes follow".
/// </summary>
internal static class ProtoWire
{
    /// <summary>int32, int64, uint64, bool and enum values.</summary>
    public const int Varint = 0;

    /// <summary>A varint length, then that many bytes: strings, bytes, sub-messages, packed repeated scalars.</summary>
    public const int LengthDelimited = 2;

    /// <summary>Four little-endian bytes: float, fixed32.</summary>
    public const int Fixed32 = 5;

    /// <summary>The longest varint (a negative int64 takes all ten bytes, as two's complement).</summary>
    public const int MaxVarintBytes = 10;

    public static ulong Key(int field, int wireType) => ((ulong)field << 3) | (uint)wireType;

    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/> and returns the bytes used.</summary>
    public static int EncodeVarint(ulong value, Span<byte> destination)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static void WriteVarint(Stream stream, ulong value)
    {
        Span<byte> buffer = stackalloc byte[MaxVarintBytes];
        stream.Write(buffer[..EncodeVarint(value, buffer)]);
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// A protobuf message built field by field and then streamed out. Sub-message sizes are computed before anything
/// is written, so a model with hundreds of megabytes of weights goes straight from the float arrays to the stream
/// without an intermediate copy per nesting level. Fields are written in the order they were added; repeated
/// scalars are written unpacked (the proto2 default, which every parser accepts).
/// </summary>
/// <remarks>A message is frozen once its size has been taken (by <see cref="Size"/>, <see cref="WriteTo"/> or by a parent): adding a field then throws.</remarks>
internal sealed class ProtoMessage
{
    private enum Kind : byte { Varint, Fixed32, Bytes, Floats, Int64s, Message }

    private readonly record struct Field(int Number, Kind Kind, long Scalar, object? Payload);

    private readonly List<Field> _fields = [];
    private long _size = -1;

    public ProtoMessage Varint(int field, long value) => Add(new Field(field, Kind.Varint, value, null));

    public ProtoMessage Float(int field, float value) => Add(new Field(field, Kind.Fixed32, BitConverter.SingleToInt32Bits(value), null));

    public ProtoMessage String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoMessage Bytes(int field, byte[] value) => Add(new Field(field, Kind.Bytes, value.Length, value));

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian float32 (ONNX <c>raw_data</c>).</summary>
    public ProtoMessage FloatsAsBytes(int field, float[] values) => Add(new Field(field, Kind.Floats, (long)values.Length * sizeof(float), values));

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian int64 (ONNX <c>raw_data</c>).</summary>
    public ProtoMessage Int64sAsBytes(int field, long[] values) => Add(new Field(field, Kind.Int64s, (long)values.Length * sizeof(long), values));

    public ProtoMessage Message(int field, ProtoMessage value) => Add(new Field(field, Kind.Message, 0, value));

    /// <summary>Encoded size in bytes (freezes this message and its sub-messages).</summary>
    public long Size
    {
        get
        {
            if (_size < 0)
            {
                long size = 0;
                foreach (var f in _fields)
                    size += FieldSize(f);
                _size = size;
            }
            return _size;
        }
    }

    public void WriteTo(Stream stream)
    {
        _ = Size;
        Span<byte> four = stackalloc byte[4];
        foreach (var f in _fields)
        {
            switch (f.Kind)
            {
                case Kind.Varint:
                    ProtoWire.WriteVarint(stream, ProtoWire.Key(f.Number, ProtoWire.Varint));
                    ProtoWire.WriteVarint(stream, (ulong)f.Scalar);
                    break;
                case Kind.Fixed32:
                    ProtoWire.WriteVarint(stream, ProtoWire.Key(f.Number, ProtoWire.Fixed32));
                    BinaryPrimitives.WriteInt32LittleEndian(four, (int)f.Scalar);
                    stream.Write(four);
                    break;
                case Kind.Message:
                    var message = (ProtoMessage)f.Payload!;
                    ProtoWire.WriteVarint(stream, ProtoWire.Key(f.Number, ProtoWire.LengthDelimited));
                    ProtoWire.WriteVarint(stream, (ulong)message.Size);
                    message.WriteTo(stream);
                    break;
                default:
                    ProtoWire.WriteVarint(stream, ProtoWire.Key(f.Number, ProtoWire.LengthDelimited));
                    ProtoWire.WriteVarint(stream, (ulong)f.Scalar);
                    WritePayload(stream, f);
                    break;
            }
        }
    }

    public byte[] ToArray()
    {
        var bytes = new byte[checked((int)Size)];
        using var stream = new MemoryStream(bytes);
        WriteTo(stream);
        return bytes;
    }

    private ProtoMessage Add(Field field)
    {
        if (_size >= 0)
            throw new InvalidOperationException("This protobuf message has been sized or written already; it cannot take more fields.");
        _fields.Add(field);
        return this;
    }

    private static long FieldSize(Field f)
    {
        int wireType = f.Kind switch { Kind.Varint => ProtoWire.Varint, Kind.Fixed32 => ProtoWire.Fixed32, _ => ProtoWire.LengthDelimited };
        long key = ProtoWire.VarintSize(ProtoWire.Key(f.Number, wireType));
        return f.Kind switch
        {
            Kind.Varint => key + ProtoWire.VarintSize((ulong)f.Scalar),
            Kind.Fixed32 => key + 4,
            Kind.Message => key + ProtoWire.VarintSize((ulong)((ProtoMessage)f.Payload!).Size) + ((ProtoMessage)f.Payload!).Size,
            _ => key + ProtoWire.VarintSize((ulong)f.Scalar) + f.Scalar,
        };
    }

    private static void WritePayload(Stream stream, Field f)
    {
        switch (f.Payload)
        {
            case byte[] bytes:
                stream.Write(bytes);
                break;
            case float[] floats when BitConverter.IsLittleEndian:
                stream.Write(MemoryMarshal.AsBytes(floats.AsSpan()));
                break;
            case long[] longs when BitConverter.IsLittleEndian:
                stream.Write(MemoryMarshal.AsBytes(longs.AsSpan()));
                break;
            case float[] floats:
                Span<byte> buffer = stackalloc byte[sizeof(float)];
                foreach (float v in floats)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                    stream.Write(buffer);
                }
                break;
            case long[] longs:
                Span<byte> eight = stackalloc byte[sizeof(long)];
                foreach (long v in longs)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(eight, v);
                    stream.Write(eight);
                }
                break;
            default:
                throw new InvalidOperationException("Unknown payload.");
        }
    }
}

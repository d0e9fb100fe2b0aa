using System.Buffers.Binary;
using System.Text;

namespace HourglassSimd.TestSupport;

/// <summary>
/// A minimal protobuf decoder for checking what the exporter wrote (and what ONNX Runtime dumps): a message is
/// read into its fields in order, each a varint, a fixed32/fixed64 or a length-delimited byte range.
/// </summary>
public sealed class ProtoReader
{
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)
    {
        public string String => Encoding.UTF8.GetString(Bytes.Span);

        public ProtoReader Message => new(Bytes);

        public float Float => BitConverter.Int32BitsToSingle((int)Varint);
    }

    public ProtoReader(ReadOnlyMemory<byte> bytes)
    {
        Fields = Parse(bytes);
    }

    public IReadOnlyList<Field> Fields { get; }

    public IEnumerable<Field> All(int number) => Fields.Where(f => f.Number == number);

    /// <summary>The last occurrence of a field (protobuf's rule for a non-repeated field), or null.</summary>
    public Field? One(int number)
    {
        Field? found = null;
        foreach (var f in Fields)
        {
            if (f.Number == number)
                found = f;
        }
        return found;
    }

    public IEnumerable<ProtoReader> Messages(int number) => All(number).Select(f => f.Message);

    public IEnumerable<string> Strings(int number) => All(number).Select(f => f.String);

    public string? String(int number) => One(number)?.String;

    public long? Int(int number) => One(number) is { } f ? (long)f.Varint : null;

    /// <summary>Repeated int64 field, packed or unpacked.</summary>
    public IReadOnlyList<long> Ints(int number)
    {
        var values = new List<long>();
        foreach (var f in All(number))
        {
            if (f.WireType == 0)
            {
                values.Add((long)f.Varint);
                continue;
            }
            var span = f.Bytes.Span;
            int at = 0;
            while (at < span.Length)
                values.Add((long)ReadVarint(span, ref at));
        }
        return values;
    }

    private static List<Field> Parse(ReadOnlyMemory<byte> memory)
    {
        var fields = new List<Field>();
        var span = memory.Span;
        int at = 0;
        while (at < span.Length)
        {
            ulong key = ReadVarint(span, ref at);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, wire, ReadVarint(span, ref at), default));
                    break;
                case 1:
                    fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(span[at..]), default));
                    at += 8;
                    break;
                case 2:
                    int length = checked((int)ReadVarint(span, ref at));
                    if (at + length > span.Length)
                        throw new InvalidDataException($"Field {number} claims {length} bytes at offset {at}, past the end ({span.Length}).");
                    fields.Add(new Field(number, wire, 0, memory.Slice(at, length)));
                    at += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(span[at..]), default));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported wire type {wire} for field {number} at offset {at}.");
            }
        }
        return fields;
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("Varint longer than 10 bytes.");
    }
}

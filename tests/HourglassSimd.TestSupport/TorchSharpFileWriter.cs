using System.Text;

namespace HourglassSimd.TestSupport;

/// <summary>
/// Writes the TorchSharp <c>Module.save</c> layout byte by byte (LEB128 count; per entry a BinaryWriter string key,
/// LEB128 dtype code, rank and dimensions, raw little-endian data), so tests can build valid and damaged files without a
/// module, and check the reader against an independent writer.
/// </summary>
public sealed class TorchSharpFileWriter
{
    private readonly MemoryStream _body = new();
    private int _count;

    public const int Float32 = 6, Float64 = 7, Float16 = 5, BFloat16 = 15, Int64 = 4;

    public TorchSharpFileWriter Add(string key, int dtype, long[] shape, byte[] data)
    {
        var writer = new BinaryWriter(_body, Encoding.UTF8, leaveOpen: true);
        writer.Write(key);
        WriteLeb128(_body, (ulong)dtype);
        WriteLeb128(_body, (ulong)shape.Length);
        foreach (long d in shape)
            WriteLeb128(_body, (ulong)d);
        _body.Write(data);
        _count++;
        return this;
    }

    public TorchSharpFileWriter AddFloats(string key, long[] shape, float[] values) =>
        Add(key, Float32, shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    public byte[] ToArray()
    {
        var file = new MemoryStream();
        WriteLeb128(file, (ulong)_count);
        file.Write(_body.ToArray());
        return file.ToArray();
    }

    public static void WriteLeb128(Stream stream, ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            stream.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }
}

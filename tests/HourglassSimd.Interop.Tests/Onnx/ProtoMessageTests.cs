using HourglassSimd.TestSupport;
using HourglassSimd.Interop.Onnx;

namespace HourglassSimd.Interop.Tests.Onnx;

/// <summary>The hand-written protobuf wire-format writer.</summary>
public sealed class ProtoMessageTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // int64 −1
    public void Varints_encode_as_base_128_little_endian(ulong value, byte[] expected)
    {
        var buffer = new byte[ProtoWire.MaxVarintBytes];
        int length = ProtoWire.EncodeVarint(value, buffer);
        Assert.Equal(expected, buffer[..length]);
        Assert.Equal(expected.Length, ProtoWire.VarintSize(value));
    }

    [Fact]
    public void Known_message_encodes_byte_for_byte()
    {
        // field 1 varint 150, field 2 string "hi", field 3 float 1.0, field 4 message { field 1 varint 1 }
        byte[] bytes = new ProtoMessage()
            .Varint(1, 150).String(2, "hi").Float(3, 1f).Message(4, new ProtoMessage().Varint(1, 1))
            .ToArray();
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1D, 0x00, 0x00, 0x80, 0x3F, 0x22, 0x02, 0x08, 0x01 }, bytes);
    }

    [Fact]
    public void Nested_messages_and_raw_arrays_round_trip()
    {
        float[] floats = [1.5f, -2.25f, float.Epsilon, 3e38f];
        long[] longs = [1, -1, long.MaxValue];
        var inner = new ProtoMessage().FloatsAsBytes(9, floats).Int64sAsBytes(10, longs).Varint(1, -5);
        var outer = new ProtoMessage().Message(7, inner).String(2, "Ünïcode").Message(7, new ProtoMessage());
        byte[] bytes = outer.ToArray();
        Assert.Equal(bytes.Length, outer.Size);

        var reader = new ProtoReader(bytes);
        var messages = reader.Messages(7).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal("Ünïcode", reader.String(2));
        Assert.Empty(messages[1].Fields);
        Assert.Equal(floats, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(messages[0].One(9)!.Value.Bytes.Span).ToArray());
        Assert.Equal(longs, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(messages[0].One(10)!.Value.Bytes.Span).ToArray());
        Assert.Equal(-5, messages[0].Int(1));
    }

    [Fact]
    public void Streaming_write_equals_in_memory_bytes()
    {
        var message = new ProtoMessage().Message(1, new ProtoMessage().FloatsAsBytes(2, new float[10_000])).Varint(3, 1L << 40);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        Assert.Equal(message.ToArray(), stream.ToArray());
    }

    [Fact]
    public void A_sized_message_is_frozen()
    {
        var inner = new ProtoMessage().Varint(1, 1);
        var outer = new ProtoMessage().Message(1, inner);
        _ = outer.Size;
        Assert.Throws<InvalidOperationException>(() => inner.Varint(2, 2));
    }
}

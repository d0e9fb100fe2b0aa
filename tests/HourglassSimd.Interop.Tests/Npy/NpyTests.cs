using System.Buffers.Binary;
using System.Text;
using HourglassSimd.Interop.Npy;

namespace HourglassSimd.Interop.Tests.Npy;

public sealed class NpyTests
{
    /// <summary>A .npy file as NumPy lays it out, with any version, descr, order and shape text.</summary>
    private static byte[] NpyBytes(string header, byte[] data, int major = 1, int align = 64)
    {
        int preamble = major == 1 ? 10 : 12;
        int total = (preamble + header.Length + 1 + align - 1) / align * align;
        string padded = header + new string(' ', total - preamble - header.Length - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1)
            bytes.AddRange(BitConverter.GetBytes((ushort)padded.Length));
        else
            bytes.AddRange(BitConverter.GetBytes((uint)padded.Length));
        bytes.AddRange(major == 3 ? Encoding.UTF8.GetBytes(padded) : Encoding.Latin1.GetBytes(padded));
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static NpyArray Read(byte[] bytes) => NpyReader.Read(new MemoryStream(bytes), "x.npy");

    private static string Fails(byte[] bytes) => Assert.Throws<NpyFormatException>(() => Read(bytes)).Message;

    [Fact]
    public void Writer_MatchesNumPyLayout_AndRoundTrips()
    {
        var array = new NpyArray([2, 1, 2], [1, 2, 3, 4]);
        var stream = new MemoryStream();
        NpyWriter.Write(stream, array);
        byte[] bytes = stream.ToArray();
        Assert.Equal(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2), }", Floats(1, 2, 3, 4)), bytes);
        Assert.Equal(128 + 16, bytes.Length); // 10 + 61 header characters + newline, padded to 128
        Assert.Equal((byte)'\n', bytes[127]);

        var read = Read(bytes);
        Assert.Equal(array.Shape, read.Shape);
        Assert.Equal(array.Data, read.Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AllFormatVersions_AreRead(int major)
    {
        var array = Read(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", Floats(1.5f, -2, 0), major));
        Assert.Equal([3], array.Shape);
        Assert.Equal([1.5f, -2, 0], array.Data);
    }

    [Fact]
    public void HeaderVariants_KeyOrderDoubleQuotesPython2LongsAnd16ByteAlignment()
    {
        var array = Read(NpyBytes("{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}", Floats(1, 2), align: 16));
        Assert.Equal([1, 2], array.Shape);
        var scalar = Read(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Floats(4)));
        Assert.Empty(scalar.Shape);
        Assert.Equal([4f], scalar.Data);
    }

    [Theory]
    [InlineData("<f8", "dtype '<f8' (little-endian float64) is not supported: expected '<f4' (little-endian float32)")]
    [InlineData(">f4", "dtype '>f4' (big-endian float32) is not supported")]
    [InlineData("<i4", "dtype '<i4' (little-endian int32) is not supported")]
    [InlineData("|u1", "dtype '|u1' (uint8) is not supported")]
    [InlineData("<f2", "dtype '<f2' (little-endian float16) is not supported")]
    public void OtherDtypes_AreRejected(string descr, string message) =>
        Assert.Contains(message, Fails(NpyBytes($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[16])), StringComparison.Ordinal);

    [Fact]
    public void FortranOrder_IsRejected() =>
        Assert.Contains("fortran_order is True: expected C order", Fails(NpyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", Floats(1, 2, 3, 4))), StringComparison.Ordinal);

    [Fact]
    public void DamagedFiles_AreRejected()
    {
        Assert.Contains("not a NumPy .npy file", Fails("PK\u0003\u0004 not numpy"u8.ToArray()), StringComparison.Ordinal);
        Assert.Contains("not a NumPy .npy file", Fails([]), StringComparison.Ordinal);
        byte[] good = NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Floats(1, 2, 3, 4));
        Assert.Equal("x.npy: truncated: shape (2, 2) of float32 needs 16 bytes of data, the file has 12.", Fails(good[..^4]));
        Assert.Contains("4 byte(s) follow the 16 bytes of data", Fails([.. good, 0, 0, 0, 0]), StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt: a header of", Fails(good[..40]), StringComparison.Ordinal);
        byte[] version = (byte[])good.Clone();
        version[6] = 4;
        Assert.Contains("NPY format version 4.0 is not supported", Fails(version), StringComparison.Ordinal);
        Assert.Contains("structured dtype", Fails(NpyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", Floats(1))), StringComparison.Ordinal);
        Assert.Contains("unknown header key 'extra'", Fails(NpyBytes("{'descr': '<f4', 'extra': 1, 'fortran_order': False, 'shape': (1,), }", Floats(1))), StringComparison.Ordinal);
        Assert.Contains("lacks 'descr', 'fortran_order' or 'shape'", Fails(NpyBytes("{'descr': '<f4', 'shape': (1,), }", Floats(1))), StringComparison.Ordinal);
        Assert.Contains("not a non-negative 32-bit integer", Fails(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", Floats(1))), StringComparison.Ordinal);
        Assert.Contains("more values than one array can", Fails(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", [])), StringComparison.Ordinal);
    }

    [Fact]
    public void LargeHeader_UsesVersion2()
    {
        // 30,000 dimensions of size 1 ("1, " each) do not fit a 65,535-byte version 1.0 header.
        int[] shape = Enumerable.Repeat(1, 30000).ToArray();
        var stream = new MemoryStream();
        NpyWriter.Write(stream, new NpyArray(shape, [5]));
        byte[] bytes = stream.ToArray();
        Assert.Equal(2, bytes[6]);
        Assert.Equal(0u, (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) + 12) % 64);
    }
}

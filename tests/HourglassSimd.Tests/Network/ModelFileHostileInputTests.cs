using System.Diagnostics;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>
/// Issue 13 #7 and #11: a tensor offset near 2^63 wrapped the bounds check (the tensor was read from header bytes and
/// the file accepted), and <c>--model /dev/zero</c> read for over 30 s before looking at the header.
/// </summary>
public sealed class ModelFileHostileInputTests
{
    private static readonly HourglassArchitecture Arch = new(1, 8, 4, 64, 64);

    private static byte[] SavedModel()
    {
        using var stream = new MemoryStream();
        new HourglassModelFile(Arch, HourglassWeights.CreateRandom(Arch, 3)).Save(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// An offset of 2^63 − dataStart + 16 made <c>offset + bytes</c> wrap negative and <c>(int)(dataStart + offset)</c>
    /// equal 16: the first tensor was read from the JSON header. The header is re-signed so that only the offset is wrong.
    /// </summary>
    [Fact]
    public void A_tensor_offset_that_would_wrap_the_bounds_check_is_refused()
    {
        byte[] file = SavedModel();
        byte[] edited = file;
        long dataStart = 0;
        for (int pass = 0; pass < 3; pass++) // the offset's digits change the header length, which moves dataStart
        {
            long offset = long.MaxValue - dataStart + 17; // = 2^63 - dataStart + 16, a multiple of 4
            edited = ModelFileBytes.Rewrite(file, header => header["tensors"]![0]!["offset"] = offset);
            dataStart = (16 + BitConverter.ToInt32(edited, 12) + 63) / 64 * 64;
        }
        long written = ModelFileBytes.Header(edited)["tensors"]![0]!["offset"]!.GetValue<long>();
        Assert.Equal(16, unchecked((int)(dataStart + written))); // the old code would have read from byte 16, the JSON
        Assert.Equal(0, written % 4);

        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.Contains("lies outside the data block", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-64L)]
    [InlineData(64L)]
    [InlineData(long.MaxValue)]
    public void A_data_length_other_than_the_architecture_needs_is_refused_before_reading_the_data(long change)
    {
        byte[] file = SavedModel();
        byte[] edited = ModelFileBytes.Rewrite(file, header =>
            header["dataLength"] = change == long.MaxValue ? long.MaxValue : header["dataLength"]!.GetValue<long>() + change);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.Contains("'dataLength'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A valid model followed by endless zeros: refused after reading one byte past what the header promises.</summary>
    [Fact]
    public void An_endless_stream_is_read_no_further_than_the_header_promises()
    {
        byte[] file = SavedModel();
        using var stream = new EndlessStream(file);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(stream));
        Assert.Contains("more bytes than", e.Message, StringComparison.Ordinal);
        Assert.Equal(file.Length + 1, stream.BytesRead);

        using var zeros = new EndlessStream([.. "HGWEIGHT"u8]);
        Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(zeros)); // version 0
        Assert.True(zeros.BytesRead <= 16);
    }

    [UnixFileSystemFact]
    public void Devices_and_fifos_are_refused_at_once()
    {
        using var temp = new TempFolder();
        string fifo = SpecialFiles.MakeFifo(temp.File("model.hgw"));
        var clock = Stopwatch.StartNew();
        foreach (string path in new[] { SpecialFiles.ZeroDevice, SpecialFiles.NullDevice, fifo })
        {
            var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(path));
            Assert.StartsWith($"{path}: a ", e.Message, StringComparison.Ordinal);
            Assert.Contains(", not a model file.", e.Message, StringComparison.Ordinal);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>Not seekable: gives <paramref name="prefix"/>, then zeros for ever, and counts what was read.</summary>
    private sealed class EndlessStream(byte[] prefix) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
                buffer[offset + i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : (byte)0;
            BytesRead += count;
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>
    /// Found by the fuzz campaign (docs/reliability.md): re-signed headers whose values have the right JSON kind but that a
    /// constructor refuses (a zero std, an infinite mean, an empty tensor name) threw ArgumentException, not ModelFileException.
    /// </summary>
    [Theory]
    [InlineData("std")]
    [InlineData("mean")]
    [InlineData("name")]
    public void Metadata_values_a_constructor_refuses_are_a_ModelFileException(string field)
    {
        byte[] edited = ModelFileBytes.Rewrite(SavedModel(), header =>
        {
            if (field == "name")
                header["tensors"]![0]!["name"] = "";
            else
                header[field] = new System.Text.Json.Nodes.JsonArray(field == "std" ? 0 : 1e39, 1, 1);
        });
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.StartsWith("corrupt: ", e.Message, StringComparison.Ordinal);
    }
}

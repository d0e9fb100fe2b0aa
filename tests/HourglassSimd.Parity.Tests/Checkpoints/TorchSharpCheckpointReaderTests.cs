using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace HourglassSimd.Parity.Tests.Checkpoints;

public sealed class TorchSharpCheckpointReaderTests
{
    private static Checkpoint ReadBytes(byte[] bytes) => TorchSharpCheckpointReader.Read(new MemoryStream(bytes), "test.dat");

    private static CheckpointFormatException Fails(byte[] bytes) => Assert.Throws<CheckpointFormatException>(() => ReadBytes(bytes));

    [Fact]
    public void HandWrittenBytes_AreReadExactly()
    {
        // 2 entries; key "a.weight" (8 bytes); dtype 6; rank 2; dims 2, 1; 8 bytes of data; then an int64 scalar.
        byte[] bytes =
        [
            0x02,
            0x08, (byte)'a', (byte)'.', (byte)'w', (byte)'e', (byte)'i', (byte)'g', (byte)'h', (byte)'t',
            0x06, 0x02, 0x02, 0x01,
            0x00, 0x00, 0x80, 0x3F, // 1.0f
            0x00, 0x00, 0x00, 0xC0, // -2.0f
            0x01, (byte)'n', 0x04, 0x00, 0x39, 0x05, 0, 0, 0, 0, 0, 0, // int64 1337
        ];
        var checkpoint = ReadBytes(bytes);
        Assert.Equal(CheckpointFormat.TorchSharp, checkpoint.Format);
        Assert.Equal(2, checkpoint.Tensors.Count);
        var weight = checkpoint.Tensors[0];
        Assert.Equal("a.weight", weight.Name);
        Assert.Equal([2, 1], weight.Shape);
        Assert.Equal([1f, -2f], weight.Data!);
        Assert.Equal(TensorElementType.Int64, checkpoint.Tensors[1].ElementType);
        Assert.Empty(checkpoint.Tensors[1].Shape);
        Assert.Null(checkpoint.Tensors[1].Data);
    }

    [Fact]
    public void MultiByteLeb128_DimensionsAndKeysAreDecoded()
    {
        // 300 = 0xAC 0x02 in LEB128; a 200-byte key needs a two-byte length.
        string key = new('k', 200);
        var bytes = new TorchSharpFileWriter().AddFloats(key, [300], Enumerable.Range(0, 300).Select(i => (float)i).ToArray()).ToArray();
        Assert.Equal([0x01, 0xC8, 0x01], bytes[..3]);
        var tensor = Assert.Single(ReadBytes(bytes).Tensors);
        Assert.Equal(key, tensor.Name);
        Assert.Equal([300], tensor.Shape);
        Assert.Equal(299f, tensor.Data![299]);
    }

    [Fact]
    public void Float64Float16AndBFloat16_AreConvertedToFloat32()
    {
        var writer = new TorchSharpFileWriter()
            .Add("d", TorchSharpFileWriter.Float64, [2], [.. BitConverter.GetBytes(0.1), .. BitConverter.GetBytes(-3.5)])
            .Add("h", TorchSharpFileWriter.Float16, [2], [.. BitConverter.GetBytes((Half)0.25f), .. BitConverter.GetBytes((Half)(-65504f))])
            .Add("b", TorchSharpFileWriter.BFloat16, [1], [0xC0, 0x3F]); // 1.5f = 0x3FC00000
        var tensors = ReadBytes(writer.ToArray()).Tensors;
        Assert.Equal([0.1f, -3.5f], tensors[0].Data!);
        Assert.Equal(TensorElementType.Float64, tensors[0].ElementType);
        Assert.Equal([0.25f, -65504f], tensors[1].Data!);
        Assert.Equal([1.5f], tensors[2].Data!);
    }

    [Fact]
    public void RealModuleSave_RoundTripsEveryTensor()
    {
        using var temp = new TempFolder();
        string path = temp.File("module.dat");
        var module = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
        using (torch.no_grad())
        {
            foreach (var (_, buffer) in module.named_buffers())
            {
                if (buffer.dtype == ScalarType.Float32)
                    buffer.uniform_(0.5, 1.5);
            }
        }
        module.save(path);

        var checkpoint = TorchSharpCheckpointReader.Read(path);
        var state = module.state_dict();
        Assert.Equal(state.Keys.Order(), checkpoint.Tensors.Select(t => t.Name).Order());
        foreach (var tensor in checkpoint.Tensors)
        {
            var expected = state[tensor.Name];
            Assert.Equal(expected.shape.Select(d => (int)d), tensor.Shape);
            if (expected.dtype == ScalarType.Float32)
                Assert.Equal(expected.data<float>().ToArray(), tensor.Data!);
            else
                Assert.Equal(TensorElementType.Int64, tensor.ElementType); // num_batches_tracked
        }
    }

    [Fact]
    public void EmptyFile_IsRejected() => Assert.Contains("empty", Fails([]).Message, StringComparison.Ordinal);

    [Fact]
    public void TextFile_IsNotACheckpoint()
    {
        var e = Fails("hello, this is not a checkpoint\n"u8.ToArray());
        Assert.StartsWith("test.dat: not a TorchSharp checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncation_FailsCleanly_NamingTheProblem()
    {
        byte[] bytes = new TorchSharpFileWriter()
            .AddFloats("pre.0.conv.weight", [2, 3], [1, 2, 3, 4, 5, 6])
            .Add("pre.0.bn.num_batches_tracked", TorchSharpFileWriter.Int64, [], new byte[8])
            .AddFloats("pre.0.conv.bias", [2], [7, 8])
            .ToArray();
        Assert.Equal(3, ReadBytes(bytes).Tensors.Count);
        for (int length = 1; length < bytes.Length; length++)
        {
            var e = Fails(bytes[..length]);
            Assert.Matches("truncated|not a TorchSharp checkpoint|not plausible", e.Reason);
        }
    }

    [Fact]
    public void TruncatedData_NamesKeyAndOffset()
    {
        byte[] bytes = new TorchSharpFileWriter()
            .AddFloats("first", [1], [1])
            .AddFloats("second.weight", [4], [1, 2, 3, 4])
            .ToArray();
        var e = Fails(bytes[..^3]);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("'second.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("offset 14", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomCorruption_NeverThrowsAnythingButCheckpointFormatException()
    {
        byte[] original = new TorchSharpFileWriter()
            .AddFloats("a.weight", [2, 2, 1, 1], [1, 2, 3, 4])
            .AddFloats("a.bias", [2], [5, 6])
            .Add("a.n", TorchSharpFileWriter.Int64, [], new byte[8])
            .ToArray();
        var random = new Random(7);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                ReadBytes(bytes);
            }
            catch (CheckpointFormatException)
            {
            }
        }
    }

    [Fact]
    public void UnknownDtype_NamesTheCodeAndKey()
    {
        var e = Fails(new TorchSharpFileWriter().AddFloats("ok", [1], [1]).Add("odd", 99, [1], [0]).ToArray());
        Assert.Contains("unknown or unsupported dtype code 99", e.Message, StringComparison.Ordinal);
        Assert.Contains("'odd'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizedDtype_IsRejected() =>
        Assert.Contains("dtype code 12", Fails(new TorchSharpFileWriter().Add("q", 12, [1], [0]).ToArray()).Message, StringComparison.Ordinal);

    [Fact]
    public void AbsurdDimensions_DoNotAllocate()
    {
        // 2^40 x 2^40 floats: the reader must see that the file cannot hold them before allocating anything.
        var e = Fails(new TorchSharpFileWriter().Add("huge", TorchSharpFileWriter.Float32, [1L << 30, 1L << 30], [0, 0, 0, 0]).ToArray());
        Assert.Contains("truncated or corrupt", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1073741824, 1073741824]", e.Message, StringComparison.Ordinal);
        var tooWide = Fails(new TorchSharpFileWriter().Add("wide", TorchSharpFileWriter.Float32, [1L << 40], [0]).ToArray());
        Assert.Contains("larger than any tensor", tooWide.Message, StringComparison.Ordinal);
        var rank = Fails(new TorchSharpFileWriter().AddFloats("ok", [1], [1]).Add("deep", TorchSharpFileWriter.Float32, new long[40], []).ToArray());
        Assert.Contains("rank 40", rank.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsurdEntryCount_IsNotACheckpoint()
    {
        var bytes = new MemoryStream();
        TorchSharpFileWriter.WriteLeb128(bytes, 1UL << 50);
        bytes.Write(new byte[20]);
        Assert.Contains("not a TorchSharp checkpoint", Fails(bytes.ToArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongLeb128_IsRejected()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)0xFF, 11), 0x01];
        Assert.Contains("LEB128", Fails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKey_IsRejected() =>
        Assert.Contains("appears twice", Fails(new TorchSharpFileWriter().AddFloats("k", [1], [1]).AddFloats("k", [1], [2]).ToArray()).Message, StringComparison.Ordinal);

    [Fact]
    public void TrailingBytes_AreRejected()
    {
        byte[] bytes = [.. new TorchSharpFileWriter().AddFloats("k", [1], [1]).ToArray(), 0, 0, 0];
        Assert.Contains("3 byte(s) follow the last of the 1 entries", Fails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8Key_IsRejected()
    {
        byte[] bytes = [0x01, 0x02, 0xC3, 0x28, 0x06, 0x01, 0x01, 0, 0, 0, 0];
        Assert.Contains("not valid UTF-8", Fails(bytes).Message, StringComparison.Ordinal);
    }
}

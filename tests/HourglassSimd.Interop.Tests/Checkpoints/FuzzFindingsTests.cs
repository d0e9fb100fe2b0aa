using System.Text;
using HourglassSimd.Interop.Checkpoints;

namespace HourglassSimd.Interop.Tests.Checkpoints;

/// <summary>Checkpoints the fuzz campaign (docs/reliability.md) found surfacing as InvalidOperationException.</summary>
public sealed class FuzzFindingsTests
{
    private static byte[] Safetensors(string offsets)
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": " + offsets + "}}");
        var file = new byte[8 + header.Length + 8];
        BitConverter.TryWriteBytes(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    [Theory]
    [InlineData("[\"0\", \"8\"]")]
    [InlineData("[0, {}]")]
    [InlineData("[[0], 8]")]
    [InlineData("[null, 8]")]
    public void Data_offsets_that_are_not_numbers_are_a_CheckpointFormatException(string offsets)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(new MemoryStream(Safetensors(offsets)), "m.safetensors"));
        Assert.Contains("data_offsets", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_data_offsets_still_read()
    {
        var checkpoint = CheckpointReader.Read(new MemoryStream(Safetensors("[0, 8]")), "m.safetensors");
        Assert.Equal([2], checkpoint.Tensors.Single().Shape);
    }
}

using System.Text;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace HourglassSimd.Parity.Tests.Checkpoints;

public sealed class SafetensorsReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] File(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }

    private static CheckpointFormatException Fails(byte[] bytes) =>
        Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(new MemoryStream(bytes), "t.safetensors"));

    [Fact]
    public void PyBridgeSafetensors_AreReadExactly()
    {
        torch.manual_seed(4);
        var module = nn.Sequential(("conv", nn.Conv2d(2, 3, 1)), ("bn", nn.BatchNorm2d(3)));
        string path = _temp.File("m.safetensors");
        Safetensors.SaveStateDict(path, module.state_dict());
        var checkpoint = CheckpointReader.Read(path);
        Assert.Equal(CheckpointFormat.Safetensors, checkpoint.Format);
        var state = module.state_dict();
        Assert.Equal(state.Keys.Order(), checkpoint.Tensors.Select(t => t.Name).Order());
        foreach (var tensor in checkpoint.Tensors)
        {
            if (tensor.ElementType == TensorElementType.Float32)
                Assert.Equal(state[tensor.Name].data<float>().ToArray(), tensor.Data!);
            else
                Assert.Equal((tensor.Name, TensorElementType.Int64), (tensor.Name, tensor.ElementType));
        }
    }

    [Fact]
    public void HandWrittenFile_WithMetadataAndFloat16()
    {
        byte[] bytes = File("""{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}""",
            [.. BitConverter.GetBytes((Half)1.5f), .. BitConverter.GetBytes((Half)(-2f)), .. BitConverter.GetBytes(7f)]);
        var tensors = CheckpointReader.Read(new MemoryStream(bytes), "t.safetensors").Tensors;
        Assert.Equal([1.5f, -2f], tensors[0].Data!);
        Assert.Equal([7f], tensors[1].Data!);
    }

    [Fact]
    public void DamagedFiles_AreRejectedWithTheReason()
    {
        Assert.Contains("truncated: its data ends at 8", Fails(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4])).Message, StringComparison.Ordinal);
        Assert.Contains("hold 4 bytes; shape [2] of float32 needs 8", Fails(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", new byte[8])).Message, StringComparison.Ordinal);
        Assert.Contains("dtype 'F8_E4M3' is not supported", Fails(File("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", new byte[1])).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Fails(File("""{"a":{"dtype":""", new byte[4])).Message, StringComparison.Ordinal);
        Assert.Contains("lacks dtype, shape or data_offsets", Fails(File("""{"a":{"dtype":"F32"}}""", [])).Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", Fails(File("""{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", new byte[4])).Message, StringComparison.Ordinal);
        byte[] badUtf8 = File("""{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}""", new byte[4]);
        badUtf8[10] = 0xC3; // inside the name "a"
        Assert.Contains("not valid UTF-8", Fails(badUtf8).Message, StringComparison.Ordinal);
        Assert.Contains("needs", Fails(File("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""", new byte[4])).Message, StringComparison.Ordinal);
    }
}

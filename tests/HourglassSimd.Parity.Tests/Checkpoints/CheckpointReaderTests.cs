using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Parity.Tests.Checkpoints;

public sealed class CheckpointReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MissingFile_IsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Read(_temp.File("nope.dat")));
        Assert.Contains("nope.dat' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_IsNotACheckpoint() =>
        Assert.Contains("is a directory", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(_temp.Path)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("just some text that happens to be here\n")]
    [InlineData("\u0001\u0004abcd\u0006")]
    public void ForeignFiles_AreNotCheckpoints(string content)
    {
        string path = _temp.File("foreign.bin");
        File.WriteAllText(path, content);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.StartsWith("foreign.bin: ", e.Message, StringComparison.Ordinal);
        Assert.Matches("empty|not a checkpoint", e.Message);
    }

    [Fact]
    public void PngImage_IsNotACheckpoint()
    {
        string path = _temp.File("image.png");
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 0]);
        Assert.Contains("not a checkpoint: neither a PyTorch zip (torch.save), safetensors, nor a TorchSharp Module.save file",
            Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TorchSharpFiles_AreRecognisedWithoutAnExtension()
    {
        string path = _temp.File("weights");
        File.WriteAllBytes(path, new TorchSharpFileWriter().AddFloats("x", [2], [1, 2]).ToArray());
        Assert.Equal(CheckpointFormat.TorchSharp, CheckpointReader.Read(path).Format);
    }
}

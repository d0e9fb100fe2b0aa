using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Onnx;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Interop.Tests;

/// <summary>The one-call entry points an app uses: a checkpoint file to a model, a model file to ONNX.</summary>
public sealed class LibraryApiTests : IDisposable
{
    private static readonly HourglassArchitecture Small = new(1, 16, 16, 64, 64);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ConvertFile_reads_and_converts_a_checkpoint_file()
    {
        var tensors = SyntheticCheckpoints.Tensors(Small);
        string path = _temp.Write("net.dat", SyntheticCheckpoints.TorchSharpBytes(tensors));

        var converted = CheckpointConverter.ConvertFile(path, new ConversionOptions { InputSize = 64 });

        Assert.Equal(Small, converted.Model.Architecture);
        Assert.Equal("net.dat", converted.Model.Source);
        var expected = CheckpointConverter.Convert(SyntheticCheckpoints.Checkpoint(tensors), new ConversionOptions { InputSize = 64 }).Model.Weights;
        foreach (var (name, tensor) in expected.Tensors)
            Assert.Equal(tensor.Data, converted.Model.Weights.Tensors[name].Data);
        Assert.Throws<CheckpointFormatException>(() => CheckpointConverter.ConvertFile(_temp.Write("bad.dat", [1, 2, 3])));
    }

    [Fact]
    public void Export_of_a_model_file_writes_the_same_bytes_as_its_architecture_and_weights()
    {
        var model = new HourglassModelFile(Small, HourglassWeights.CreateRandom(Small, 2));
        using var fromModel = new MemoryStream();
        HourglassOnnxExporter.Export(model, fromModel, new OnnxExportOptions { DynamicSize = true });
        byte[] expected = HourglassOnnxExporter.ExportToBytes(Small, model.Weights, new OnnxExportOptions { DynamicSize = true });
        Assert.Equal(expected, fromModel.ToArray());
    }
}

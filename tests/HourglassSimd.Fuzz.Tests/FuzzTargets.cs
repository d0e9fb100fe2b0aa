using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Npy;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>What each format's reader is asked to do with a mutant: what the CLI does with such a file.</summary>
public static class FuzzTargets
{
    private static readonly ImageLoader Loader = new();

    /// <summary>Loads the model, builds the network and runs it once at 64x64 on one thread.</summary>
    public static void LoadModel(byte[] bytes)
    {
        var model = HourglassModelFile.Load(new MemoryStream(bytes, writable: false));
        using var network = model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var input = new float[3 * 64 * 64];
        network.Run(input, 64, 64);
    }

    /// <summary>Reads the checkpoint (sizes checked before the data, as convert-weights does) and converts it for a 64x64 input.</summary>
    public static void Convert(byte[] bytes, string name)
    {
        var options = new ConversionOptions { InputSize = 64 };
        var checkpoint = CheckpointReader.Read(new MemoryStream(bytes, writable: false), name, tensors => CheckpointConverter.CheckSizes(tensors, options));
        var converted = CheckpointConverter.Convert(checkpoint, options);
        converted.Model.Save(Stream.Null);
    }

    public static bool IsCheckpointError(Exception e) => e is CheckpointFormatException or CheckpointConversionException;

    public static void ReadNpy(byte[] bytes) => NpyReader.Read(new MemoryStream(bytes, writable: false), "mutant.npy");

    public static void LoadImage(byte[] bytes, string name) => Loader.Load(bytes, name);

    public static void ReadAnnotations(byte[] bytes) => MpiiAnnotationReader.Read(new MemoryStream(bytes, writable: false), "annotations.json");
}

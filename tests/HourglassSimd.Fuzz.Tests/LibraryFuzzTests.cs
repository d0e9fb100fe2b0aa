using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Npy;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// The in-process pass over the model and checkpoint formats: <see cref="FuzzCampaign.MutantsPerFormat"/> mutants each,
/// read as the CLI reads them; the only outcomes allowed are success and the reader's typed exceptions.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ModelFormatFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Hgw_mutants_load_or_fail_with_ModelFileException() =>
        FuzzCampaign.Run(".hgw", FuzzCampaign.MutantsPerFormat, FormatMutants.Hgw, FuzzTargets.LoadModel,
            e => e is ModelFileException or WeightsMismatchException, output);

    [Fact]
    public void TorchSharp_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run(".dat", FuzzCampaign.MutantsPerFormat, FormatMutants.TorchSharp, bytes => FuzzTargets.Convert(bytes, "mutant.dat"),
            FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void TorchZip_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run(".pt", FuzzCampaign.MutantsPerFormat, FormatMutants.TorchZip, bytes => FuzzTargets.Convert(bytes, "mutant.pt"),
            FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void Safetensors_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run("safetensors", FuzzCampaign.MutantsPerFormat, FormatMutants.Safetensors,
            bytes => FuzzTargets.Convert(bytes, "mutant.safetensors"), FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void Npy_mutants_read_or_fail_with_NpyFormatException() =>
        FuzzCampaign.Run(".npy", FuzzCampaign.MutantsPerFormat, FormatMutants.Npy, FuzzTargets.ReadNpy, e => e is NpyFormatException, output);
}

/// <summary>The in-process pass over images and JSON files.</summary>
[Trait("Category", "Fuzz")]
public sealed class ImageAndJsonFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Png_mutants_load_or_fail_with_ImageLoadException() =>
        FuzzCampaign.Run("PNG", FuzzCampaign.MutantsPerFormat, ImageMutants.Png, bytes => FuzzTargets.LoadImage(bytes, "mutant.png"),
            e => e is ImageLoadException, output);

    [Fact]
    public void Jpeg_mutants_load_or_fail_with_ImageLoadException() =>
        FuzzCampaign.Run("JPEG", FuzzCampaign.MutantsPerFormat, ImageMutants.Jpeg, bytes => FuzzTargets.LoadImage(bytes, "mutant.jpg"),
            e => e is ImageLoadException, output);

    [Fact]
    public void Bmp_mutants_load_or_fail_with_ImageLoadException() =>
        FuzzCampaign.Run("BMP", FuzzCampaign.MutantsPerFormat, ImageMutants.Bmp, bytes => FuzzTargets.LoadImage(bytes, "mutant.bmp"),
            e => e is ImageLoadException, output);

    [Fact]
    public void Annotation_mutants_read_or_fail_with_AnnotationFormatException() =>
        FuzzCampaign.Run("annotations", FuzzCampaign.MutantsPerFormat, random => JsonMutator.Mutate(Seeds.Annotations, random),
            FuzzTargets.ReadAnnotations, e => e is AnnotationFormatException, output);

    [Fact]
    public void Boxes_mutants_read_or_fail_with_InvalidDataException()
    {
        using var folder = new TempFolder();
        string path = folder.File("boxes.json");
        FuzzCampaign.Run("boxes", FuzzCampaign.MutantsPerFormat,
            random => JsonMutator.Mutate(random.Next(2) == 0 ? Seeds.BoxesObjectForm : Seeds.BoxesArrayForm, random),
            bytes =>
            {
                File.WriteAllBytes(path, bytes);
                BoxesFile.Read(path);
            },
            e => e.GetType() == typeof(InvalidDataException), output);
    }
}

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

using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Fuzz.Tests;

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

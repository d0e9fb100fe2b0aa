using HourglassSimd.TestSupport;

namespace HourglassSimd.Datasets.Tests;

/// <summary>JSON the fuzz campaign (docs/reliability.md) found surfacing as InvalidOperationException instead of the typed error.</summary>
public sealed class FuzzFindingsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("[1]")]
    [InlineData("{}")]
    public void A_category_id_that_is_not_a_number_is_a_non_person_record_not_a_crash(string category)
    {
        string path = _temp.Write("boxes.json", System.Text.Encoding.UTF8.GetBytes(
            $$"""[{"image_id": "a.png", "category_id": {{category}}, "bbox": [1, 2, 30, 40]}, {"image_id": "a.png", "bbox": [1, 2, 3, 4]}]"""));
        var boxes = BoxesFile.Read(path);
        Assert.Single(boxes["a.png"]); // only the record without a category (a person) is kept
    }

    [Fact]
    public void A_boxes_file_with_invalid_utf8_is_an_InvalidDataException()
    {
        string path = _temp.Write("boxes.json", [.. "{\"a"u8, 0xC3, 0x28, .. "\": [[1, 2, 3, 4]]}"u8]);
        var e = Assert.Throws<InvalidDataException>(() => BoxesFile.Read(path));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_annotation_file_with_invalid_utf8_is_an_AnnotationFormatException()
    {
        byte[] json = [.. "[{\"img_paths\": \"a"u8, 0xFF, .. ".jpg\", \"objpos\": [50, 60], \"scale_provided\": 1, \"joint_self\": [[1, 2, 1]]}]"u8];
        var e = Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.Read(new MemoryStream(json), "a.json"));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Datasets.Tests;

/// <summary>
/// Issue 13 #11 and #14: <c>--annotations /dev/zero</c> grew to 2.1 GB and <c>--boxes /dev/zero</c> to 4.1 GB; a FIFO
/// blocked; <c>scale_provided: 3e38</c> failed without naming the record; <c>img_paths</c> could leave the image folder.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Record(string imgPaths = "\"a.jpg\"", string scale = "1.0", string objpos = "[50, 60]") =>
        $$"""{"img_paths": {{imgPaths}}, "objpos": {{objpos}}, "scale_provided": {{scale}}, "joint_self": [[1, 2, 1]]}""";

    private static AnnotationFormatException SecondRecordFails(string record) =>
        Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.Parse($"[{Record()}, {record}]", "a.json"));

    [Theory]
    [InlineData("3e38", "scale_provided")]        // 1.25·s overflows float: PersonBox threw without the record
    [InlineData("1e-46", "scale_provided")]       // rounds to 0 as a float
    [InlineData("1e400", "scale_provided")]       // beyond double
    public void Every_scale_error_names_the_record_and_the_field(string scale, string field)
    {
        var e = SecondRecordFails(Record(scale: scale));
        Assert.Equal(1, e.RecordIndex);
        Assert.Equal(field, e.Field);
        Assert.StartsWith($"a.json: record 1, field '{field}': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_objpos_that_overflows_the_box_names_the_record_and_objpos()
    {
        var e = SecondRecordFails(Record(objpos: "[50, 3.4e38]", scale: "2e37"));
        Assert.Equal((1, "objpos"), (e.RecordIndex, e.Field));
    }

    [Theory]
    [InlineData("\"/etc/passwd\"")]
    [InlineData("\"../secret.jpg\"")]
    [InlineData("\"images/../../secret.jpg\"")]
    [InlineData("\"images\\\\..\\\\..\\\\secret.jpg\"")]
    public void Image_paths_that_leave_the_image_folder_are_refused(string imgPaths)
    {
        var e = SecondRecordFails(Record(imgPaths: imgPaths));
        Assert.Equal((1, "img_paths"), (e.RecordIndex, e.Field));
        Assert.Contains("leaves the image folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_image_paths_inside_the_folder_are_kept()
    {
        var records = MpiiAnnotationReader.Parse($"[{Record(imgPaths: "\"sub/a..b.jpg\"")}]");
        Assert.Equal("sub/a..b.jpg", records[0].ImagePath);
    }

    [Fact]
    public void Json_nested_past_the_depth_cap_is_refused()
    {
        string deep = new string('[', MpiiAnnotationReader.MaxDepth + 1) + new string(']', MpiiAnnotationReader.MaxDepth + 1);
        Assert.Contains("not valid JSON", Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.Parse(deep)).Message, StringComparison.Ordinal);
        string boxes = _temp.Write("deep.json", System.Text.Encoding.UTF8.GetBytes($$"""{"a.jpg": {{new string('[', BoxesFile.MaxDepth)}}{{new string(']', BoxesFile.MaxDepth)}}}"""));
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => BoxesFile.Read(boxes)).Message, StringComparison.Ordinal);
    }

    /// <summary>Sparse files one byte over each cap: refused from their length, without reading them.</summary>
    [Fact]
    public void Files_over_the_size_caps_are_refused_before_reading()
    {
        string annotations = Sparse("annotations.json", MpiiAnnotationReader.MaxFileBytes + 1);
        string boxes = Sparse("boxes.json", BoxesFile.MaxFileBytes + 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("MaxFileBytes", Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.ReadFile(annotations)).Message, StringComparison.Ordinal);
        Assert.Contains("MaxFileBytes", Assert.Throws<InvalidDataException>(() => BoxesFile.Read(boxes)).Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
    }

    [UnixFileSystemFact]
    public void Devices_and_fifos_are_refused_as_annotations_and_boxes_without_being_opened()
    {
        string fifo = SpecialFiles.MakeFifo(_temp.File("pipe.json"));
        var clock = Stopwatch.StartNew();
        foreach (string path in new[] { SpecialFiles.ZeroDevice, fifo })
        {
            var e = Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.ReadFile(path));
            Assert.Contains($"'{path}' is a ", e.Message, StringComparison.Ordinal);
            Assert.Contains("not a JSON file", Assert.Throws<InvalidDataException>(() => BoxesFile.Read(path)).Message, StringComparison.Ordinal);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    private string Sparse(string name, long length)
    {
        string path = _temp.File(name);
        using var file = File.Create(path);
        file.SetLength(length);
        return path;
    }
}

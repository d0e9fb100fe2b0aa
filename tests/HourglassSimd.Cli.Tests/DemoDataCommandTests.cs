using HourglassSimd.Datasets;
using HourglassSimd.TestSupport;
using HourglassSimd.Imaging;

namespace HourglassSimd.Cli.Tests;

public sealed class DemoDataCommandTests
{
    [Fact]
    public void Writes_decodable_images_and_annotations_the_reader_accepts()
    {
        using var folder = new TempFolder();
        var run = HourglassCli.Run("demo-data", "--out", folder.Path, "--train", "3", "--validation", "2", "--seed", "11");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("wrote 5 images", run.Output);

        var records = MpiiAnnotationReader.ReadFile(folder.Combine("annotations.json"));
        Assert.Equal(5, records.Count);
        Assert.Equal(2, records.Count(r => r.IsValidation));
        var loader = new ImageLoader();
        foreach (var record in records)
        {
            var image = loader.Load(folder.Combine("images", record.ImagePath));
            Assert.Equal((96, 96), (image.Width, image.Height));
            Assert.Equal(16, record.Joints.Count);
            Assert.All(record.Joints, j => Assert.True(j.X > 0 && j.X < 96 && j.Y > 0 && j.Y < 96, $"joint at ({j.X}, {j.Y})"));
            Assert.Equal(10f, record.HeadSize);
            // After the MPII adjustment the person box is the whole image.
            Assert.Equal(96f, record.Box.Size, 2);
            Assert.Equal(48f, record.Box.CenterY, 2);
        }
        // Each joint is drawn in its own colour at its annotated position: joint k has
        // (60 + 97k mod 196, 60 + 53k mod 196, 60 + 151k mod 196), so head top (9) is (149, 145, 243).
        var first = loader.Load(folder.Combine("images", records[0].ImagePath));
        var head = records[0].Joints[9];
        Assert.Equal(((byte)149, (byte)145, (byte)243), first.GetPixel((int)head.X, (int)head.Y));
    }

    [Fact]
    public void Rejects_an_empty_data_set()
    {
        using var folder = new TempFolder();
        HourglassCli.AssertFails(HourglassCli.Run("demo-data", "--out", folder.Path, "--train", "0", "--validation", "0"), "not both 0");
    }
}

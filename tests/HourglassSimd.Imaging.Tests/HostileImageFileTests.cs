using System.Buffers.Binary;
using System.Diagnostics;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Imaging.Tests;

/// <summary>Issue 13 #11 and #13: a FIFO among the images blocked for ever; truncated BMPs were decoded with blank rows.</summary>
public sealed class HostileImageFileTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly ImageLoader _loader = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An uncompressed 24-bit BMP (BITMAPINFOHEADER), bottom-up, rows padded to 4 bytes.</summary>
    private static byte[] Bmp(int width, int height)
    {
        int stride = (width * 3 + 3) / 4 * 4;
        var bytes = new byte[54 + stride * height];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (int i = 54; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 13);
        return bytes;
    }

    [Fact]
    public void A_truncated_bmp_is_refused_and_a_whole_one_loads()
    {
        byte[] bmp = Bmp(33, 20);
        var whole = _loader.Load(_temp.Write("whole.bmp", bmp));
        Assert.Equal((33, 20), (whole.Width, whole.Height));
        string cut = _temp.Write("cut.bmp", bmp[..^1]);
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(cut));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Contains("truncated BMP: its header declares 2000 bytes of pixel data from offset 54", e.Message, StringComparison.Ordinal);
        // The check is what catches it: ImageSharp 2.1.13 alone decodes the cut file.
        var lenient = new ImageLoader(new ImageLoadLimits { RejectTruncated = false });
        Assert.Equal(33, lenient.Load(cut).Width);
    }

    /// <summary>The PNG decision: ImageSharp checks each critical chunk's CRC-32, so damaged pixel data is refused; the zlib Adler-32 is not checked.</summary>
    [Fact]
    public void Damaged_png_pixel_data_fails_the_chunk_crc()
    {
        var image = new HourglassSimd.Pose.RgbImage(40, 30);
        for (int i = 0; i < image.Pixels.Length; i++)
            image.Pixels[i] = (byte)(i * 31);
        string path = _temp.File("a.png");
        ImageSaver.Save(image, path);
        byte[] png = File.ReadAllBytes(path);
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        png[idat + 4 + 10] ^= 0x01; // a byte of the compressed data
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_temp.Write("damaged.png", png)));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Contains("CRC", e.Message, StringComparison.Ordinal);
    }

    [UnixFileSystemFact]
    public void Devices_and_fifos_are_refused_without_being_opened()
    {
        string fifo = SpecialFiles.MakeFifo(_temp.File("pipe.png"));
        var clock = Stopwatch.StartNew();
        foreach (string path in new[] { SpecialFiles.ZeroDevice, fifo })
        {
            var e = Assert.Throws<ImageLoadException>(() => _loader.Load(path));
            Assert.Equal(ImageLoadFailure.NotRegularFile, e.Failure);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>Overlays and other outputs go through AtomicFile: a FIFO in the way is refused, and stays a FIFO.</summary>
    [UnixFileSystemFact]
    public void Saving_over_a_fifo_is_refused()
    {
        string fifo = SpecialFiles.MakeFifo(_temp.File("out.png"));
        Assert.Throws<HourglassSimd.IO.NotRegularFileException>(() => ImageSaver.Save(new HourglassSimd.Pose.RgbImage(4, 4), fifo));
        Assert.Equal(HourglassSimd.IO.FileKind.Fifo, HourglassSimd.IO.FileKinds.Of(fifo));
    }
}

using HourglassSimd.TestSupport;
using HourglassSimd.Pose;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging.Tests;

public sealed class ImageLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ImageLoader _loader = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Png_round_trips_exactly()
    {
        var image = RandomImage(37, 23, seed: 1);
        string path = _folder.File("a.png");
        ImageSaver.Save(image, path);
        var loaded = _loader.Load(path);
        Assert.Equal((37, 23, 37 * 3), (loaded.Width, loaded.Height, loaded.Stride));
        Assert.Equal(image.Pixels, loaded.Pixels);
        // From a stream and from memory too.
        using (var stream = File.OpenRead(path))
            Assert.Equal(image.Pixels, _loader.Load(stream, "a.png").Pixels);
        Assert.Equal(image.Pixels, _loader.Load(File.ReadAllBytes(path), "a.png").Pixels);
    }

    [Fact]
    public void Jpeg_round_trips_approximately()
    {
        var image = new RgbImage(64, 48);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++)
                image.SetPixel(x, y, (byte)(4 * x), (byte)(5 * y), 128);
        string path = _folder.File("b.JPEG");
        ImageSaver.Save(image, path, jpegQuality: 95);
        var loaded = _loader.Load(path);
        Assert.Equal((64, 48), (loaded.Width, loaded.Height));
        double meanError = image.Pixels.Zip(loaded.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"mean absolute error {meanError}");
    }

    [Fact]
    public void Truncated_png_is_invalid_content()
    {
        byte[] png = EncodePng(RandomImage(200, 200, seed: 2));
        string path = _folder.Write("cut.png", png[..(png.Length / 2)]);
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(path));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Equal("cut.png", e.FileName);
        Assert.StartsWith("cut.png: ", e.Message);
        // Cut just before IEND: every pixel chunk is intact, only the end marker is missing.
        string noEnd = _folder.Write("noend.png", png[..^12]);
        Assert.Contains("IEND", Assert.Throws<ImageLoadException>(() => _loader.Load(noEnd)).Message);
    }

    [Fact]
    public void Truncated_jpeg_is_invalid_content_although_ImageSharp_would_decode_it()
    {
        byte[] jpeg = EncodeJpeg(RandomImage(200, 200, seed: 3));
        byte[] cut = jpeg[..(jpeg.Length / 2)];
        string path = _folder.Write("cut.jpg", cut);
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(path));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Contains("end-of-image", e.Message);
        // The check is what catches it: with RejectTruncated off, ImageSharp 2.1.13 returns a partly blank image.
        var lenient = new ImageLoader(new ImageLoadLimits { RejectTruncated = false });
        Assert.Equal(200, lenient.Load(path).Width);
    }

    [Fact]
    public void Corrupt_png_data_is_invalid_content()
    {
        byte[] png = EncodePng(RandomImage(100, 100, seed: 4));
        for (int i = png.Length / 3; i < png.Length / 3 + 100; i++)
            png[i] ^= 0x5A;
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write("corrupt.png", png)));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Huge_declared_png_is_refused_from_its_header_without_allocating()
    {
        string path = _folder.Write("bomb.png", HostileFiles.PngDeclaring(100_000, 100_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ImageLoadFailure.DimensionTooLarge, e.Failure);
        Assert.Equal(16384, e.Limit);
        Assert.Equal(100_000, e.Found);
        Assert.Contains("100000x100000", e.Message);
        Assert.Contains("MaxDimension", e.Message);
        // 100000² RGB would be 30 GB; refusing from the header costs well under a few MB.
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes");

        var wide = new ImageLoader(new ImageLoadLimits { MaxDimension = 1_000_000 });
        var pixels = Assert.Throws<ImageLoadException>(() => wide.Load(path));
        Assert.Equal(ImageLoadFailure.TooManyPixels, pixels.Failure);
        Assert.Equal(10_000_000_000L, pixels.Found);
        Assert.Equal(40_000_000L, pixels.Limit);
    }

    [Fact]
    public void Declared_size_within_each_side_but_over_the_pixel_budget_is_refused()
    {
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write("big.png", HostileFiles.PngDeclaring(16000, 16000))));
        Assert.Equal(ImageLoadFailure.TooManyPixels, e.Failure);
        Assert.Contains("256000000 pixels", e.Message);
    }

    [Fact]
    public void Huge_declared_jpeg_is_refused_from_its_header()
    {
        byte[] jpeg = HostileFiles.JpegDeclaring(EncodeJpeg(RandomImage(16, 16, seed: 5)), 65000, 65000);
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write("bomb.jpg", jpeg)));
        Assert.Equal(ImageLoadFailure.DimensionTooLarge, e.Failure);
        Assert.Equal(65000, e.Found);
    }

    [Fact]
    public void Empty_declared_size_is_invalid_content()
    {
        // ImageSharp's Identify reports 0x10; decoding it would throw ArgumentOutOfRangeException from inside ImageSharp.
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write("flat.png", HostileFiles.PngDeclaring(0, 10))));
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Contains("empty image (0x10)", e.Message);
    }

    [Theory]
    [InlineData("text.png", "this is not an image at all, just some text that happens to be in a file")]
    [InlineData("empty.jpg", "")]
    public void Non_image_bytes_are_unknown_format(string name, string content)
    {
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write(name, System.Text.Encoding.UTF8.GetBytes(content))));
        Assert.Equal(ImageLoadFailure.UnknownFormat, e.Failure);
        Assert.StartsWith(name, e.Message);
    }

    [Fact]
    public void Disabled_formats_are_unknown_format()
    {
        using var gif = new Image<Rgb24>(8, 8);
        var stream = new MemoryStream();
        gif.Save(stream, new GifEncoder());
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.Write("anim.gif", stream.ToArray())));
        Assert.Equal(ImageLoadFailure.UnknownFormat, e.Failure);
    }

    [Fact]
    public void File_over_the_size_limit_is_refused_before_reading()
    {
        var small = new ImageLoader(new ImageLoadLimits { MaxFileBytes = 1000 });
        string path = _folder.Write("large.png", EncodePng(RandomImage(40, 40, seed: 6)));
        long size = new FileInfo(path).Length;
        var e = Assert.Throws<ImageLoadException>(() => small.Load(path));
        Assert.Equal(ImageLoadFailure.FileTooLarge, e.Failure);
        Assert.Equal(1000, e.Limit);
        Assert.Equal(size, e.Found);
        Assert.Contains($"{size} bytes", e.Message);
        // A stream that cannot tell its length is cut off while reading.
        var unseekable = new UnseekableStream(File.ReadAllBytes(path));
        Assert.Equal(ImageLoadFailure.FileTooLarge, Assert.Throws<ImageLoadException>(() => small.Load(unseekable, "pipe")).Failure);
    }

    [Fact]
    public void Missing_file_is_not_found()
    {
        var e = Assert.Throws<ImageLoadException>(() => _loader.Load(_folder.File("nope.png")));
        Assert.Equal(ImageLoadFailure.NotFound, e.Failure);
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        using var image = new Image<Rgb24>(30, 10);
        image[0, 0] = new Rgb24(255, 0, 0);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);  // rotate 90° clockwise to display
        string path = _folder.File("rotated.png");
        image.SaveAsPng(path);
        var loaded = _loader.Load(path);
        Assert.Equal((10, 30), (loaded.Width, loaded.Height));
        Assert.Equal((byte)255, loaded.GetPixel(9, 0).R);  // the top-left pixel ends up top-right
        var raw = new ImageLoader(new ImageLoadLimits { ApplyExifOrientation = false }).Load(path);
        Assert.Equal((30, 10), (raw.Width, raw.Height));
    }

    [Fact]
    public void Invalid_limits_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageLoader(new ImageLoadLimits { MaxPixels = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageLoader(new ImageLoadLimits { MaxFileBytes = -1 }));
    }

    internal static RgbImage RandomImage(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    private static byte[] EncodePng(RgbImage image)
    {
        var stream = new MemoryStream();
        ImageSaver.SavePng(image, stream);
        return stream.ToArray();
    }

    private static byte[] EncodeJpeg(RgbImage image)
    {
        var stream = new MemoryStream();
        ImageSaver.SaveJpeg(image, stream);
        return stream.ToArray();
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}

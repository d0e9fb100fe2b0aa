using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging.Tests;

/// <summary>Image files the fuzz campaign (tests/HourglassSimd.Fuzz.Tests, docs/reliability.md) found mishandled.</summary>
public sealed class FuzzFindingsTests
{
    private static byte[] Png(PngInterlaceMode interlace)
    {
        using var image = new Image<Rgb24>(48, 40);
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 48; x++)
                image[x, y] = new Rgb24((byte)(x * 5), (byte)(y * 6), (byte)(x ^ y));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { InterlaceMethod = interlace });
        return stream.ToArray();
    }

    /// <summary>ImageSharp 2.1.13 looped forever on an interlaced PNG whose IDAT data ends early (CRCs and IEND intact).</summary>
    [Theory]
    [InlineData(PngInterlaceMode.Adam7, true)]
    [InlineData(PngInterlaceMode.Adam7, false)]
    [InlineData(PngInterlaceMode.None, true)]
    public async Task A_png_whose_image_data_ends_early_is_refused_promptly(PngInterlaceMode interlace, bool rejectTruncated)
    {
        byte[] png = HostileFiles.PngWithIdatCut(Png(interlace), keep: 60);
        var loader = new ImageLoader(new ImageLoadLimits { RejectTruncated = rejectTruncated });
        var load = Task.Run(() => Assert.Throws<ImageLoadException>(() => loader.Load(png, "cut.png")));
        var e = await load.WaitAsync(TimeSpan.FromSeconds(30)); // a TimeoutException if the loader spins
        Assert.Equal(ImageLoadFailure.InvalidContent, e.Failure);
        Assert.Contains("truncated PNG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_pngs_still_load_interlaced_or_not()
    {
        Assert.Equal(48, new ImageLoader().Load(Png(PngInterlaceMode.Adam7), "a.png").Width);
        Assert.Equal(40, new ImageLoader().Load(Png(PngInterlaceMode.None), "b.png").Height);
    }

    /// <summary>A 223-byte BMP stating its pixels start at byte 1.1e9 made ImageSharp allocate a 1.1 GB colour table while identifying it.</summary>
    [Fact]
    public void A_bmp_whose_pixel_offset_lies_past_the_end_is_refused_before_identify()
    {
        using var image = new Image<Rgb24>(8, 8);
        using var stream = new MemoryStream();
        image.SaveAsBmp(stream);
        byte[] bmp = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 0x43000436);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageLoadException>(() => new ImageLoader().Load(bmp, "far.bmp"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "over 16 MiB allocated");
        Assert.Contains("past the end", e.Message, StringComparison.Ordinal);
    }
}

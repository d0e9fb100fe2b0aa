using HourglassSimd.Pose;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging;

/// <summary>Copies between the engine's <see cref="RgbImage"/> and ImageSharp's <see cref="Image{Rgb24}"/>.</summary>
public static class RgbImageConversions
{
    /// <summary>Copies an ImageSharp image (first frame) into a new <see cref="RgbImage"/> with a tight stride.</summary>
    public static RgbImage ToRgbImage(this Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new RgbImage(image.Width, image.Height);
        image.CopyPixelDataTo(result.Pixels);
        return result;
    }

    /// <summary>Copies an <see cref="RgbImage"/> into a new ImageSharp image (the caller disposes it).</summary>
    public static Image<Rgb24> ToImageSharp(this RgbImage image, Configuration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new Image<Rgb24>(configuration ?? Configuration.Default, image.Width, image.Height);
        result.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                image.GetRow(y).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
        });
        return result;
    }
}

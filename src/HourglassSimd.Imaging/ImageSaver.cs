using HourglassSimd.IO;
using HourglassSimd.Pose;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;

namespace HourglassSimd.Imaging;

/// <summary>Writes an <see cref="RgbImage"/> as PNG or JPEG.</summary>
public static class ImageSaver
{
    /// <summary>Saves to <paramref name="path"/>, choosing the format by extension: <c>.png</c>, or <c>.jpg</c>/<c>.jpeg</c> (case-insensitive).</summary>
    /// <param name="image">The image.</param>
    /// <param name="path">
    /// Destination file; replaced if it exists, atomically (<see cref="AtomicFile"/>: never left partial or empty). Its
    /// folder must exist.
    /// </param>
    /// <param name="jpegQuality">JPEG quality 1–100 (ignored for PNG).</param>
    /// <exception cref="ArgumentException">The extension is neither PNG nor JPEG, or the quality is out of range.</exception>
    public static void Save(RgbImage image, string path, int jpegQuality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        bool png = extension == ".png";
        if (!png && extension is not (".jpg" or ".jpeg"))
            throw new ArgumentException($"cannot tell the format of '{path}': use a .png, .jpg or .jpeg extension.", nameof(path));
        CheckQuality(jpegQuality);
        AtomicFile.Write(path, stream =>
        {
            if (png)
                SavePng(image, stream);
            else
                SaveJpeg(image, stream, jpegQuality);
        });
    }

    /// <summary>Writes PNG (RGB, 8 bits per channel) to a stream.</summary>
    public static void SavePng(RgbImage image, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var encoded = image.ToImageSharp();
        encoded.Save(stream, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 });
    }

    /// <summary>Writes baseline JPEG (4:2:0) with <paramref name="quality"/> 1–100 to a stream.</summary>
    public static void SaveJpeg(RgbImage image, Stream stream, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckQuality(quality);
        using var encoded = image.ToImageSharp();
        encoded.Save(stream, new JpegEncoder { Quality = quality });
    }

    private static void CheckQuality(int quality)
    {
        if (quality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality must be between 1 and 100.");
    }
}

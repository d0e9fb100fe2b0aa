using System.Buffers.Binary;
using HourglassSimd.IO;
using HourglassSimd.Pose;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HourglassSimd.Imaging;

/// <summary>
/// Loads PNG, JPEG and BMP files into <see cref="RgbImage"/> (RGB24) under <see cref="ImageLoadLimits"/>.
/// </summary>
/// <remarks>
/// <para>Order of checks, cheapest first: the file size (before reading; for a stream, while reading), then the header
/// through <c>Image.Identify</c> (declared width, height, pixel count; no pixel buffer is allocated), then, when
/// <see cref="ImageLoadLimits.RejectTruncated"/> is set, the end-of-file marker, and only then the full decode.</para>
/// <para>Decoding uses a private ImageSharp <see cref="Configuration"/> with only the PNG, JPEG and BMP decoders (GIF,
/// TIFF, TGA, WebP and PBM, where the 2.1.x advisories sat, are off) and an allocator capped at
/// <see cref="ImageLoadLimits.AllocationLimitMegabytes"/>; <c>Configuration.Default</c> is never changed.</para>
/// <para>Every failure is an <see cref="ImageLoadException"/>; no ImageSharp exception escapes. Thread-safe: a loader
/// can be shared.</para>
/// </remarks>
public sealed class ImageLoader
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly Configuration _configuration;

    /// <summary>Creates a loader with <paramref name="limits"/> (default <see cref="ImageLoadLimits.Default"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is less than 1.</exception>
    public ImageLoader(ImageLoadLimits? limits = null)
    {
        limits ??= ImageLoadLimits.Default;
        limits.Validate();
        Limits = limits;
        _configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = limits.AllocationLimitMegabytes }),
        };
    }

    /// <summary>The limits in force.</summary>
    public ImageLoadLimits Limits { get; }

    /// <summary>File extensions (lower case, with the dot) of the formats this loader decodes.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>Loads an image file.</summary>
    /// <exception cref="ImageLoadException">The file is missing, unreadable, over a limit, not a supported format, or corrupt.</exception>
    public RgbImage Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string name = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new ImageLoadException(name, ImageLoadFailure.NotFound, $"file not found ({path}).");
            if (FileKinds.Of(path) is var kind && kind != FileKind.Regular)
                throw new ImageLoadException(name, ImageLoadFailure.NotRegularFile, $"{FileKinds.Describe(kind)}, not a regular file; not opened.");
            CheckFileSize(name, info.Length);
            using var stream = info.OpenRead();
            bytes = ReadBounded(stream, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(name, ImageLoadFailure.ReadError, $"cannot read the file: {e.Message}", innerException: e);
        }
        return Decode(bytes, name);
    }

    /// <summary>Loads an image from a stream (read to its end, at most <see cref="ImageLoadLimits.MaxFileBytes"/> bytes).</summary>
    /// <param name="stream">The encoded image; not disposed.</param>
    /// <param name="name">Label for error messages, e.g. the file name.</param>
    /// <exception cref="ImageLoadException">The stream is over a limit, not a supported format, or corrupt.</exception>
    public RgbImage Load(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        byte[] bytes;
        try
        {
            if (stream.CanSeek)
                CheckFileSize(name, stream.Length - stream.Position);
            bytes = ReadBounded(stream, name);
        }
        catch (IOException e)
        {
            throw new ImageLoadException(name, ImageLoadFailure.ReadError, $"cannot read the stream: {e.Message}", innerException: e);
        }
        return Decode(bytes, name);
    }

    /// <summary>Loads encoded image bytes held in memory.</summary>
    /// <exception cref="ImageLoadException">The bytes are over a limit, not a supported format, or corrupt.</exception>
    public RgbImage Load(ReadOnlySpan<byte> encoded, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CheckFileSize(name, encoded.Length);
        return Decode(encoded.ToArray(), name);
    }

    private void CheckFileSize(string name, long length)
    {
        if (length > Limits.MaxFileBytes)
            throw new ImageLoadException(name, ImageLoadFailure.FileTooLarge,
                $"the file has {length} bytes, over the limit of {Limits.MaxFileBytes} bytes (MaxFileBytes).", Limits.MaxFileBytes, length);
    }

    // Reads at most MaxFileBytes + 1 bytes, so a stream that lies about (or has no) length cannot exhaust memory.
    private byte[] ReadBounded(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            total += read;
            if (total > Limits.MaxFileBytes)
                throw new ImageLoadException(name, ImageLoadFailure.FileTooLarge,
                    $"the file has more than {Limits.MaxFileBytes} bytes (MaxFileBytes).", Limits.MaxFileBytes, total);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private RgbImage Decode(byte[] bytes, string name)
    {
        if (bytes.Length == 0)
            throw new ImageLoadException(name, ImageLoadFailure.UnknownFormat, "the file is empty.");

        CheckBmpOffset(bytes, name);
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            using var header = new MemoryStream(bytes, writable: false);
            info = Image.Identify(_configuration, header, out format);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Translate(e, name, "reading the header");
        }
        if (info is null || format is null)
            throw new ImageLoadException(name, ImageLoadFailure.UnknownFormat, "not a PNG, JPEG or BMP image (unrecognised header).");
        CheckDimensions(name, info.Width, info.Height);
        if (Limits.RejectTruncated)
            CheckComplete(bytes, name, format);
        if (format is PngFormat)
            PngStructure.Check(bytes, name, Limits.RejectTruncated);

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var image = Image.Load<Rgb24>(_configuration, stream);
            if (Limits.ApplyExifOrientation)
                image.Mutate(x => x.AutoOrient());
            return image.ToRgbImage();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Translate(e, name, "decoding");
        }
    }

    private void CheckDimensions(string name, int width, int height)
    {
        if (width < 1 || height < 1)
            throw new ImageLoadException(name, ImageLoadFailure.InvalidContent, $"the header declares an empty image ({width}x{height}).");
        if (width > Limits.MaxDimension || height > Limits.MaxDimension)
        {
            int found = Math.Max(width, height);
            throw new ImageLoadException(name, ImageLoadFailure.DimensionTooLarge,
                $"the header declares {width}x{height} pixels; a side of {found} is over the limit of {Limits.MaxDimension} (MaxDimension).",
                Limits.MaxDimension, found);
        }
        long pixels = (long)width * height;
        if (pixels > Limits.MaxPixels)
            throw new ImageLoadException(name, ImageLoadFailure.TooManyPixels,
                $"the header declares {width}x{height} = {pixels} pixels, over the limit of {Limits.MaxPixels} pixels (MaxPixels).",
                Limits.MaxPixels, pixels);
    }

    // ImageSharp 2.1 decodes truncated PNG, JPEG and BMP data without error (the missing part stays blank), so look for
    // the format's end marker: the IEND chunk type for PNG, EOI (FF D9) for JPEG (bytes after the marker are allowed, as
    // some encoders and cameras write them); a BMP must hold the pixel data its header declares.
    private static void CheckComplete(byte[] bytes, string name, IImageFormat format)
    {
        if (format is BmpFormat)
        {
            CheckBmpComplete(bytes, name);
            return;
        }
        if (format is PngFormat)
        {
            if (!bytes.AsSpan().StartsWith(PngSignature) || bytes.AsSpan(PngSignature.Length).LastIndexOf("IEND"u8) < 0)
                throw new ImageLoadException(name, ImageLoadFailure.InvalidContent, "truncated PNG: it does not end with an IEND chunk.");
        }
        else if (format is JpegFormat)
        {
            if (bytes.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xD9]) < 0)
                throw new ImageLoadException(name, ImageLoadFailure.InvalidContent, "truncated JPEG: no end-of-image marker (FF D9).");
        }
    }

    /// <summary>
    /// ImageSharp 2.1.13 reads a BMP's colour table as everything between the headers and the pixel-data offset, allocated
    /// at once, while identifying it: a 223-byte file stating an offset of 1.1 GB made it allocate 1.1 GB. The offset
    /// must lie within the file, which is checked before ImageSharp sees the bytes.
    /// </summary>
    private static void CheckBmpOffset(byte[] bytes, string name)
    {
        if (bytes.Length < 14 || bytes[0] != 'B' || bytes[1] != 'M')
            return;
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));
        if (offset > bytes.Length)
            throw new ImageLoadException(name, ImageLoadFailure.InvalidContent,
                $"truncated or corrupt BMP: its pixel data starts at byte {offset}, past the end of the {bytes.Length}-byte file.");
    }

    /// <summary>
    /// A BMP's pixel data starts at the header's offset and takes stride × |height| bytes when uncompressed (stride = the
    /// row's bits rounded up to 32), or the header's image size when compressed (RLE); the file must hold all of it.
    /// </summary>
    private static void CheckBmpComplete(byte[] bytes, string name)
    {
        const int FileHeader = 14;
        if (bytes.Length < FileHeader + 16)
            throw new ImageLoadException(name, ImageLoadFailure.InvalidContent, $"truncated BMP: {bytes.Length} bytes is shorter than its headers.");
        var data = bytes.AsSpan();
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint infoSize = BinaryPrimitives.ReadUInt32LittleEndian(data[FileHeader..]);
        long width, height, bitsPerPixel, compression = 0, imageSize = 0;
        if (infoSize == 12)
        {
            // BITMAPCOREHEADER: 16-bit width and height.
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else
        {
            if (bytes.Length < FileHeader + 24)
                throw new ImageLoadException(name, ImageLoadFailure.InvalidContent, $"truncated BMP: {bytes.Length} bytes is shorter than its headers.");
            width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[18..]));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
            imageSize = BinaryPrimitives.ReadUInt32LittleEndian(data[34..]);
        }
        // BI_RGB (0), BI_BITFIELDS (3) and BI_ALPHABITFIELDS (6) store rows as they are; others state their size.
        Int128 pixelBytes = compression is 0 or 3 or 6 ? (Int128)((width * bitsPerPixel + 31) / 32 * 4) * height : imageSize; // no overflow
        if (offset + pixelBytes > bytes.Length)
            throw new ImageLoadException(name, ImageLoadFailure.InvalidContent,
                $"truncated BMP: its header declares {pixelBytes} bytes of pixel data from offset {offset}, but the file has {bytes.Length} bytes.");
    }

    private static ImageLoadException Translate(Exception e, string name, string stage) => e switch
    {
        ImageLoadException load => load,
        UnknownImageFormatException => new ImageLoadException(name, ImageLoadFailure.UnknownFormat,
            $"not a PNG, JPEG or BMP image ({e.Message}).", innerException: e),
        InvalidMemoryOperationException => new ImageLoadException(name, ImageLoadFailure.MemoryLimit,
            $"{stage} needs more memory than allowed (AllocationLimitMegabytes): {e.Message}", innerException: e),
        OutOfMemoryException => new ImageLoadException(name, ImageLoadFailure.MemoryLimit,
            $"out of memory while {stage}.", innerException: e),
        _ => new ImageLoadException(name, ImageLoadFailure.InvalidContent,
            $"corrupt or unsupported image data while {stage} ({e.GetType().Name}: {e.Message}).", innerException: e),
    };
}

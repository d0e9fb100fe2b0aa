using System.Buffers.Binary;
using System.IO.Compression;

namespace HourglassSimd.Imaging;

/// <summary>
/// Checks a PNG's chunk structure and image data before ImageSharp decodes it. ImageSharp 2.1.13 loops forever on an
/// interlaced (Adam7) PNG whose IDAT data ends early, so the data is inflated here first (into a small scratch buffer,
/// stopping at the declared size) and must hold every byte the header declares.
/// </summary>
internal static class PngStructure
{
    private const int SignatureLength = 8;

    // Adam7 passes: x start, y start, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>
    /// Walks the chunks (each must fit in the file; IHDR first, with 13 bytes; IDAT present), then inflates the IDAT
    /// data: a zlib error, or fewer bytes than the header's size, colour type, bit depth and interlacing need, is an
    /// <see cref="ImageLoadException"/>. When <paramref name="rejectTruncated"/> is false, short data is still refused
    /// for interlaced images (the case that does not terminate) but left to the decoder otherwise.
    /// </summary>
    public static void Check(byte[] png, string name, bool rejectTruncated)
    {
        var data = new MemoryStream();
        int at = SignatureLength;
        int width = 0, height = 0, bitDepth = 0, colourType = 0, interlace = 0;
        bool sawHeader = false;
        while (true)
        {
            if (at + 12 > png.Length)
            {
                if (!rejectTruncated && sawHeader && data.Length > 0)
                    break; // no IEND: the caller allowed truncated files
                throw Corrupt(name, $"truncated PNG: a chunk at byte {at} runs past the end of the {png.Length}-byte file.");
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > int.MaxValue || length > png.Length - at - 12L)
                throw Corrupt(name, $"truncated or corrupt PNG: the chunk at byte {at} declares {length} bytes, past the end of the {png.Length}-byte file.");
            var type = png.AsSpan(at + 4, 4);
            var body = png.AsSpan(at + 8, (int)length);
            if (!sawHeader)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13)
                    throw Corrupt(name, "corrupt PNG: the first chunk is not a 13-byte IHDR.");
                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), int.MaxValue);
                bitDepth = body[8];
                colourType = body[9];
                interlace = body[12];
                sawHeader = true;
            }
            else if (type.SequenceEqual("IDAT"u8))
                data.Write(body);
            else if (type.SequenceEqual("IEND"u8))
                break;
            at += 12 + (int)length;
        }
        if (data.Length == 0)
            throw Corrupt(name, "corrupt PNG: no IDAT chunk (no image data).");
        int channels = colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        bool validDepth = colourType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (channels == 0 || !validDepth || interlace > 1)
            throw Corrupt(name, $"corrupt PNG: colour type {colourType} with bit depth {bitDepth} and interlace method {interlace} is not valid.");
        if (width < 1 || height < 1)
            return; // the caller's dimension check reports it

        long expected = interlace == 0
            ? RowBytes(width, channels * bitDepth) * height
            : Passes.Sum(p => width > p.X && height > p.Y
                ? RowBytes((width - p.X + p.Dx - 1) / p.Dx, channels * bitDepth) * ((height - p.Y + p.Dy - 1) / p.Dy)
                : 0L);
        long inflated = Inflate(data, expected + 1, name);
        if (inflated < expected && (rejectTruncated || interlace == 1))
            throw Corrupt(name, $"truncated PNG: the image data inflates to {inflated} bytes; its header declares {width}x{height} pixels, which take {expected}.");
    }

    private static long RowBytes(long width, int bitsPerPixel) => 1 + (width * bitsPerPixel + 7) / 8;

    // Inflates the zlib stream, counting bytes and keeping none, up to 'limit' bytes.
    private static long Inflate(MemoryStream data, long limit, string name)
    {
        data.Position = 0;
        var scratch = new byte[65536];
        long total = 0;
        try
        {
            using var zlib = new ZLibStream(data, CompressionMode.Decompress);
            int read;
            while (total < limit && (read = zlib.Read(scratch, 0, (int)Math.Min(scratch.Length, limit - total))) > 0)
                total += read;
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(name, $"corrupt PNG: the image data is not a valid zlib stream ({e.Message}).", e);
        }
        return total;
    }

    private static ImageLoadException Corrupt(string name, string message, Exception? inner = null) =>
        new(name, ImageLoadFailure.InvalidContent, message, innerException: inner);
}

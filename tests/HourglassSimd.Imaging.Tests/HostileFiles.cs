using System.Buffers.Binary;
using System.Text;

namespace HourglassSimd.Imaging.Tests;

/// <summary>Hand-crafted image bytes for the loader's defences.</summary>
internal static class HostileFiles
{
    /// <summary>A structurally valid PNG (correct CRCs, a tiny IDAT, IEND) whose header declares <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] PngDeclaring(uint width, uint height)
    {
        var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // colour type RGB
        WriteChunk(file, "IHDR", ihdr);
        // A zlib stream of a few zero bytes: far too little data for the declared size.
        WriteChunk(file, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>A copy of a baseline JPEG with the SOF0 frame size patched to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] JpegDeclaring(byte[] jpeg, ushort width, ushort height)
    {
        var patched = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < patched.Length; i++)
        {
            // SOF0 = FF C0, then length (2), precision (1), height (2), width (2).
            if (patched[i] == 0xFF && patched[i + 1] == 0xC0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(i + 5), height);
                BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(i + 7), width);
                return patched;
            }
        }
        throw new InvalidOperationException("no SOF0 marker in the JPEG.");
    }

    /// <summary>
    /// <paramref name="png"/> with its (single) IDAT chunk's data cut to <paramref name="keep"/> bytes and the chunk's CRC
    /// recomputed, IEND kept: a well-formed file whose image data ends early.
    /// </summary>
    public static byte[] PngWithIdatCut(byte[] png, int keep)
    {
        var file = new MemoryStream();
        file.Write(png.AsSpan(0, 8));
        int at = 8;
        while (at + 12 <= png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            byte[] data = png.AsSpan(at + 8, length).ToArray();
            WriteChunk(file, type, type == "IDAT" ? data[..Math.Min(keep, data.Length)] : data);
            at += 12 + length;
        }
        return file.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        stream.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: tiny inputs only.
    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}

using System.Buffers.Binary;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>Mutants of PNG (chunk-aware, some with their CRCs recomputed), JPEG (segment-aware) and BMP (header fields) files.</summary>
public static class ImageMutants
{
    private static readonly byte[] PngPlain = Seeds.Png(interlaced: false);
    private static readonly byte[] PngInterlaced = Seeds.Png(interlaced: true);
    private static readonly byte[] JpegSubsampled = Seeds.Jpeg(subsampled: true);
    private static readonly byte[] JpegFull = Seeds.Jpeg(subsampled: false);
    private static readonly byte[] Bmp24 = Seeds.Bmp(palette: false);
    private static readonly byte[] Bmp8 = Seeds.Bmp(palette: true);

    /// <summary>A PNG chunk: its offset in the file, type and data.</summary>
    public sealed record Chunk(int Offset, string Type, byte[] Data);

    public static byte[] Png(Random random)
    {
        byte[] seed = random.Next(2) == 0 ? PngPlain : PngInterlaced;
        var chunks = Chunks(seed);
        switch (random.Next(6))
        {
            case 0: // bytes damaged, chunk lengths and IHDR's size among the fields set to extremes
                return BinaryMutator.Mutate(seed, random, [.. chunks.Select(c => new IntField(c.Offset, 4, BigEndian: true)), new(16, 4, true), new(20, 4, true)]);
            case 1: // a chunk's data damaged, its CRC recomputed
            {
                int victim = random.Next(chunks.Count);
                chunks[victim] = chunks[victim] with { Data = BinaryMutator.Mutate(chunks[victim].Data, random) };
                return Assemble(chunks);
            }
            case 2: // an IHDR field set to another value, the CRC recomputed
            {
                byte[] ihdr = (byte[])chunks[0].Data.Clone();
                switch (random.Next(4))
                {
                    case 0:
                        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(random.Next(2) * 4), (uint)BinaryMutator.Extreme(random));
                        break;
                    case 1:
                        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(random.Next(2) * 4), (uint)random.Next(1, 200));
                        break;
                    default:
                        ihdr[8 + random.Next(5)] = (byte)(random.Next(2) == 0 ? random.Next(20) : random.Next(256));
                        break;
                }
                chunks[0] = chunks[0] with { Data = ihdr };
                return Assemble(chunks);
            }
            case 3: // IDAT cut short (valid CRC, IEND kept): the case that once made ImageSharp spin on interlaced files
            {
                int idat = chunks.FindIndex(c => c.Type == "IDAT");
                chunks[idat] = chunks[idat] with { Data = chunks[idat].Data[..random.Next(chunks[idat].Data.Length)] };
                return Assemble(chunks);
            }
            case 4: // chunks dropped, duplicated or reordered (CRCs valid)
            {
                int victim = random.Next(chunks.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chunks.RemoveAt(victim);
                        break;
                    case 1:
                        chunks.Insert(random.Next(chunks.Count + 1), chunks[victim]);
                        break;
                    default:
                        var moved = chunks[victim];
                        chunks.RemoveAt(victim);
                        chunks.Insert(random.Next(chunks.Count + 1), moved);
                        break;
                }
                return Assemble(chunks);
            }
            default:
                return BinaryMutator.Mutate(seed, random);
        }
    }

    public static byte[] Jpeg(Random random)
    {
        byte[] seed = random.Next(2) == 0 ? JpegSubsampled : JpegFull;
        var segments = Segments(seed);
        switch (random.Next(4))
        {
            case 0: // segment lengths and the frame's size among the fields set to extremes
            {
                var fields = segments.Select(s => new IntField(s + 2, 2, BigEndian: true)).ToList();
                int sof = segments.FirstOrDefault(s => seed[s + 1] is 0xC0 or 0xC2, -1);
                if (sof >= 0)
                    fields.AddRange([new(sof + 5, 2, true), new(sof + 7, 2, true), new(sof + 9, 1), new(sof + 4, 1)]);
                return BinaryMutator.Mutate(seed, random, fields);
            }
            case 1: // cut inside the scan, an end marker appended again
            {
                int scan = segments.FirstOrDefault(s => seed[s + 1] == 0xDA, 2);
                int cut = scan + random.Next(seed.Length - scan);
                return [.. seed[..cut], 0xFF, 0xD9];
            }
            case 2: // a segment dropped or duplicated
            {
                int victim = random.Next(segments.Count);
                int start = segments[victim];
                int end = victim + 1 < segments.Count ? segments[victim + 1] : seed.Length;
                return random.Next(2) == 0 ? [.. seed[..start], .. seed[end..]] : [.. seed[..end], .. seed[start..end], .. seed[end..]];
            }
            default:
                return BinaryMutator.Mutate(seed, random);
        }
    }

    public static byte[] Bmp(Random random)
    {
        byte[] seed = random.Next(2) == 0 ? Bmp24 : Bmp8;
        IntField[] fields =
        [
            new(2, 4), new(10, 4), new(14, 4), new(18, 4), new(22, 4), new(26, 2), new(28, 2), new(30, 4), new(34, 4), new(46, 4), new(50, 4),
        ];
        if (random.Next(3) == 0)
        {
            // One header field set to a plausible small value rather than an extreme.
            var field = fields[random.Next(fields.Length)];
            return BinaryMutator.WithInteger(seed, field, (ulong)new[] { 0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 54, 108, 124, 255, 256 }[random.Next(17)]);
        }
        return BinaryMutator.Mutate(seed, random, fields);
    }

    /// <summary>The chunks after the signature (a chunk that runs past the end ends the list).</summary>
    public static List<Chunk> Chunks(byte[] png)
    {
        var chunks = new List<Chunk>();
        int at = 8;
        while (at + 12 <= png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12 + length > png.Length)
                break;
            chunks.Add(new Chunk(at, System.Text.Encoding.ASCII.GetString(png, at + 4, 4), png.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>A PNG of <paramref name="chunks"/>, each with its length and CRC computed.</summary>
    public static byte[] Assemble(IEnumerable<Chunk> chunks)
    {
        var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> word = stackalloc byte[4];
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)chunk.Data.Length);
            file.Write(word);
            byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(chunk.Type), .. chunk.Data];
            file.Write(typed);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
            file.Write(word);
        }
        return file.ToArray();
    }

    /// <summary>The offsets of the JPEG marker segments that carry a length (SOI, EOI and RSTn have none), up to the scan.</summary>
    public static List<int> Segments(byte[] jpeg)
    {
        var segments = new List<int>();
        int at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF)
        {
            segments.Add(at);
            if (jpeg[at + 1] == 0xDA)
                break;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        return segments;
    }

    private static readonly uint[] CrcTable = MakeCrcTable();

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>PNG's CRC-32 (ISO 3309).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}

using System.Buffers.Binary;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// Format-blind byte mutations: bit flips, byte overwrites, truncation, insertion, deletion, duplication, and integer
/// fields (at offsets the format names, or anywhere) set to extremes: 0, -1, 2^31-1, 2^32+k, 2^63-1 and so on.
/// </summary>
public static class BinaryMutator
{
    /// <summary>The extreme values an integer field is set to (truncated to the field's width).</summary>
    public static readonly ulong[] Extremes =
    [
        0, 1, 2, 63, 64, 65, 255, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0x100000000, 0x100000001, 0x100000040, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE,
        1UL << 40, 1UL << 62,
    ];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, (byte)'{', (byte)'"', (byte)'[', 0x0A];

    /// <summary>One to three random mutations of <paramref name="seed"/> (never changed itself).</summary>
    public static byte[] Mutate(byte[] seed, Random random, IReadOnlyList<IntField>? fields = null)
    {
        var bytes = new List<byte>(seed);
        int operations = 1 + random.Next(3);
        for (int i = 0; i < operations; i++)
            MutateOnce(bytes, random, fields);
        return [.. bytes];
    }

    private static void MutateOnce(List<byte> bytes, Random random, IReadOnlyList<IntField>? fields)
    {
        if (bytes.Count == 0)
        {
            bytes.AddRange(RandomBytes(random, 1 + random.Next(16)));
            return;
        }
        switch (random.Next(fields is { Count: > 0 } ? 9 : 8))
        {
            case 0: // bit flips
                for (int k = 1 + random.Next(8); k > 0; k--)
                {
                    int at = Position(bytes.Count, random);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }
                break;
            case 1: // byte overwrites
                for (int k = 1 + random.Next(16); k > 0; k--)
                    bytes[Position(bytes.Count, random)] = random.Next(2) == 0 ? InterestingBytes[random.Next(InterestingBytes.Length)] : (byte)random.Next(256);
                break;
            case 2: // truncation, often inside the headers
                Truncate(bytes, random);
                break;
            case 3: // insertion
                bytes.InsertRange(random.Next(bytes.Count + 1), RandomBytes(random, 1 + random.Next(random.Next(2) == 0 ? 8 : 512)));
                break;
            case 4: // deletion of a range
            {
                int at = Position(bytes.Count, random);
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(64)));
                break;
            }
            case 5: // a range copied elsewhere
            {
                int from = random.Next(bytes.Count), length = Math.Min(bytes.Count - from, 1 + random.Next(256));
                var slice = bytes.GetRange(from, length);
                bytes.InsertRange(random.Next(bytes.Count + 1), slice);
                break;
            }
            case 6: // an integer anywhere set to an extreme
            case 7:
            {
                int width = random.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 8 };
                SetInteger(bytes, new IntField(Position(bytes.Count, random), width, random.Next(2) == 0), Extreme(random));
                break;
            }
            default: // a field of the format set to an extreme
                var field = fields![random.Next(fields.Count)];
                SetInteger(bytes, field, Extreme(random));
                break;
        }
    }

    /// <summary>A random value of <see cref="Extremes"/>, sometimes plus or minus a small k.</summary>
    public static ulong Extreme(Random random)
    {
        ulong value = Extremes[random.Next(Extremes.Length)];
        return random.Next(4) switch { 0 => value + (ulong)random.Next(1, 65), 1 => value - (ulong)random.Next(1, 5), _ => value };
    }

    /// <summary>Writes <paramref name="value"/> into the field (the bytes past the end are not added).</summary>
    public static void SetInteger(List<byte> bytes, IntField field, ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        if (field.BigEndian)
            BinaryPrimitives.WriteUInt64BigEndian(buffer, value << (8 * (8 - field.Width)));
        else
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        for (int i = 0; i < field.Width && field.Offset + i < bytes.Count; i++)
            if (field.Offset + i >= 0)
                bytes[field.Offset + i] = buffer[i];
    }

    /// <summary>The array form of <see cref="SetInteger(List{byte}, IntField, ulong)"/>.</summary>
    public static byte[] WithInteger(byte[] bytes, IntField field, ulong value)
    {
        var list = new List<byte>(bytes);
        SetInteger(list, field, value);
        return [.. list];
    }

    /// <summary>Cuts the bytes short: half the time within the first 256 bytes, where the headers are.</summary>
    public static void Truncate(List<byte> bytes, Random random)
    {
        int keep = TruncationPoint(bytes.Count, random);
        bytes.RemoveRange(keep, bytes.Count - keep);
    }

    private static int TruncationPoint(int count, Random random) =>
        random.Next(2) == 0 ? random.Next(Math.Min(count, 256)) : random.Next(count);

    // Half the positions fall in the first 256 bytes (headers), the rest anywhere.
    private static int Position(int count, Random random) => random.Next(2) == 0 ? random.Next(Math.Min(count, 256)) : random.Next(count);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

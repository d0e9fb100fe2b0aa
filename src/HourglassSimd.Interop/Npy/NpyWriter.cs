using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using HourglassSimd.IO;

namespace HourglassSimd.Interop.Npy;

/// <summary>
/// Writes float32 C-order <c>.npy</c> files as NumPy does: format 1.0 (2.0 when the header would not fit 65535
/// bytes), the header padded with spaces and a newline so that the data starts at a multiple of 64 bytes.
/// </summary>
public static class NpyWriter
{
    private const int Alignment = 64;

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/>, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string dictionary = new NpyHeader("<f4", false, array.Shape).Format();
        int major = 1;
        int preamble = 10;
        if (Padded(dictionary, preamble) > ushort.MaxValue)
        {
            major = 2;
            preamble = 12;
        }
        int total = Padded(dictionary, preamble);
        string header = dictionary + new string(' ', total - preamble - dictionary.Length - 1) + "\n";

        var prefix = new byte[preamble];
        NpyReader.Magic.CopyTo(prefix);
        prefix[6] = (byte)major;
        prefix[7] = 0;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)(total - preamble));
        else
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), (uint)(total - preamble));
        stream.Write(prefix);
        stream.Write(Encoding.Latin1.GetBytes(header));
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(array.Data.AsSpan()));
        }
        else
        {
            var bytes = new byte[4];
            foreach (float v in array.Data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                stream.Write(bytes);
            }
        }
    }

    // Preamble + dictionary + newline, rounded up to the alignment.
    private static int Padded(string dictionary, int preamble) => (preamble + dictionary.Length + 1 + Alignment - 1) / Alignment * Alignment;
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using HourglassSimd.IO;

namespace HourglassSimd.Interop.Npy;

/// <summary>
/// Reads float32 NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0): magic <c>\x93NUMPY</c>, version, header
/// length (2 bytes in 1.0, 4 in 2.0/3.0), a Python-literal header dictionary, then the data. Only little-endian
/// float32 (<c>'&lt;f4'</c>) in C order is accepted; anything else is refused with a message that says what was found.
/// </summary>
public static class NpyReader
{
    /// <summary>The 6 bytes every <c>.npy</c> file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header accepted.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>Reads the array at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NpyFormatException">Not a float32 C-order .npy file, truncated, or a device, FIFO or socket rather than a file.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        // Opening a FIFO waits for a writer and a device may never end: only regular files are read.
        if (FileKinds.Of(path) is var kind && kind != FileKind.Regular)
            throw new NpyFormatException(path, $"'{path}' is {FileKinds.Describe(kind)}, not a .npy file.");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an array from a seekable <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="NpyFormatException">Not a float32 C-order .npy file, or truncated.</exception>
    public static NpyArray Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long remaining = stream.Length - stream.Position;
        Span<byte> preamble = stackalloc byte[8];
        if (stream.ReadAtLeast(preamble, 8, throwOnEndOfStream: false) < 8 || !preamble[..6].SequenceEqual(Magic))
            throw new NpyFormatException(path, "not a NumPy .npy file (it does not start with \\x93NUMPY).");
        byte major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new NpyFormatException(path, $"NPY format version {major}.{minor} is not supported (1.0, 2.0, 3.0).");
        int lengthSize = major == 1 ? 2 : 4;
        Span<byte> lengthBytes = stackalloc byte[4];
        if (stream.ReadAtLeast(lengthBytes[..lengthSize], lengthSize, throwOnEndOfStream: false) < lengthSize)
            throw new NpyFormatException(path, "truncated: the file ends inside the header length.");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        remaining -= 8 + lengthSize;
        if (headerLength > MaxHeaderBytes || headerLength > remaining)
            throw new NpyFormatException(path, $"truncated or corrupt: a header of {headerLength} bytes does not fit the {remaining} bytes that remain.");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        remaining -= headerLength;
        string text;
        try
        {
            text = major == 3 ? new UTF8Encoding(false, true).GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NpyFormatException(path, "the header is not valid UTF-8.");
        }
        var header = NpyHeader.TryParse(text.TrimEnd('\n', ' ', '\0'), out string? error)
            ?? throw new NpyFormatException(path, $"the header is not a valid NPY header dictionary: {error}");

        if (header.Descr != "<f4")
            throw new NpyFormatException(path,
                $"dtype '{header.Descr}'{DescribeDtype(header.Descr)} is not supported: expected '<f4' (little-endian float32); convert with x.astype('<f4').");
        if (header.FortranOrder)
            throw new NpyFormatException(path, "fortran_order is True: expected C order; save np.ascontiguousarray(x) instead.");
        long count = 1;
        foreach (int d in header.Shape)
            count = count == 0 || d == 0 ? 0 : count > Array.MaxLength / d ? Array.MaxLength + 1L : count * d;
        if (count > Array.MaxLength)
            throw new NpyFormatException(path, $"shape {NpyArray.FormatShape(header.Shape)} holds more values than one array can.");
        long bytes = count * sizeof(float);
        if (remaining < bytes)
            throw new NpyFormatException(path, $"truncated: shape {NpyArray.FormatShape(header.Shape)} of float32 needs {bytes} bytes of data, the file has {remaining}.");
        if (remaining > bytes)
            throw new NpyFormatException(path, $"corrupt: {remaining - bytes} byte(s) follow the {bytes} bytes of data that shape {NpyArray.FormatShape(header.Shape)} needs.");

        var data = new float[count];
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<float, int>(data.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        return new NpyArray(header.Shape, data);
    }

    private static string DescribeDtype(string descr)
    {
        if (descr.Length < 3)
            return "";
        string order = descr[0] switch { '>' => "big-endian ", '<' => "little-endian ", _ => "" };
        string kind = descr[1] switch { 'f' => "float", 'i' => "int", 'u' => "uint", 'b' => "bool", 'c' => "complex", _ => "" };
        if (kind.Length == 0 || !int.TryParse(descr.AsSpan(2), out int size))
            return "";
        return kind == "bool" ? " (bool)" : $" ({order}{kind}{size * 8})";
    }
}

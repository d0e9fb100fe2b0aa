using System.Runtime.InteropServices;
using System.Text;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Reads a TorchSharp <c>Module.save</c> file (layout in docs/checkpoint-formats.md): an unsigned LEB128 entry count,
/// then per entry a <c>BinaryWriter</c> string key, LEB128 dtype, LEB128 rank, LEB128 dimensions and the raw
/// little-endian data. Every length is checked against the bytes that remain before anything is allocated, so a
/// damaged or foreign file gives a <see cref="CheckpointFormatException"/>, never an out-of-memory or index error.
/// </summary>
public static class TorchSharpCheckpointReader
{
    /// <summary>Longest key accepted, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 4096;

    /// <summary>Highest tensor rank accepted.</summary>
    public const int MaxRank = 16;

    // Key length, key, dtype, rank and one data byte: no entry is shorter.
    private const int MinEntryBytes = 5;

    private const string TruncatedData = "truncated or corrupt: ";

    // Element counts are computed saturating at this value (far above anything a file can hold).
    private const long SaturatedCount = 1L << 40;

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The file; a device, FIFO or socket is refused.</param>
    /// <param name="beforeData">Called with every tensor's name, shape and type once all entry headers are read (the data
    /// is skipped over), before any data is read; it may throw to stop (see <see cref="CheckpointConverter.CheckSizes"/>).</param>
    /// <exception cref="CheckpointFormatException">Not a TorchSharp checkpoint, truncated, corrupt or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        CheckpointReader.RefuseNonRegular(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, beforeData);
    }

    /// <summary>Reads a checkpoint from <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="CheckpointFormatException">Not a TorchSharp checkpoint, truncated, corrupt or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(Stream stream, string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        stream = SeekableStream.Ensure(stream);
        var input = new Cursor(stream, path);
        if (input.Remaining == 0)
            throw input.Error("the file is empty.");

        ulong count = input.ReadLeb128("the entry count");
        if (count > (ulong)(input.Remaining / MinEntryBytes) && !(count == 0 && input.Remaining == 0))
            throw input.Error($"not a TorchSharp checkpoint (Module.save): its first bytes give {count} entries, more than a file of {input.Length} bytes can hold.");

        // First pass: every entry's header, the data skipped over; the data is read once every size has been checked.
        var entries = new List<Entry>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        for (int index = 0; index < (int)count; index++)
        {
            long entryOffset = input.Position;
            string where = $"entry {index + 1} of {count} (offset {entryOffset})";
            try
            {
                var entry = ReadEntryHeader(input, where, keys);
                if (entry.Info.ElementType.IsFloatingPoint() && (total += entry.Info.ElementCount * entry.Info.ElementType.Size()) > CheckpointLimits.MaxDataBytes)
                    throw input.Error($"the floating-point tensors take more than the {CheckpointLimits.MaxDataBytes} bytes a checkpoint may hold (CheckpointLimits.MaxDataBytes).");
                entries.Add(entry);
            }
            catch (CheckpointFormatException e) when (index == 0 && !e.Reason.StartsWith(TruncatedData, StringComparison.Ordinal))
            {
                // A first entry whose key, dtype or shape makes no sense: this is not a TorchSharp file at all. (A valid
                // first header whose data runs past the end is a truncated checkpoint, and is reported as such.)
                throw new CheckpointFormatException(path, $"not a TorchSharp checkpoint (Module.save): {e.Reason}");
            }
        }
        if (input.Remaining != 0)
            throw input.Error($"{input.Remaining} byte(s) follow the last of the {count} entries (offset {input.Position}): not a TorchSharp checkpoint, or corrupt.");
        beforeData?.Invoke(entries.Select(e => e.Info).ToList());
        var tensors = entries.Select(e => ReadData(input, e)).ToList();
        return new Checkpoint(CheckpointFormat.TorchSharp, tensors);
    }

    /// <summary>An entry's checked header; its data starts at <see cref="DataOffset"/>.</summary>
    private sealed record Entry(CheckpointTensorInfo Info, long DataOffset);

    private static CheckpointTensor ReadData(Cursor input, Entry entry)
    {
        var (key, shape, type) = entry.Info;
        if (!type.IsFloatingPoint())
            return new CheckpointTensor(key, shape, type, null);
        input.Seek(entry.DataOffset);
        var data = new float[entry.Info.ElementCount];
        if (type == TensorElementType.Float32 && BitConverter.IsLittleEndian)
        {
            input.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        }
        else
        {
            var raw = new byte[data.Length * type.Size()];
            input.ReadExactly(raw);
            type.ToFloat32(raw, data);
        }
        return new CheckpointTensor(key, shape, type, data);
    }

    private static Entry ReadEntryHeader(Cursor input, string where, HashSet<string> keys)
    {
        ulong keyLength = input.ReadLeb128($"the key length of {where}");
        if (keyLength == 0 || keyLength > MaxKeyBytes)
            throw input.Error($"{where}: a key of {keyLength} bytes is not plausible (1 to {MaxKeyBytes}).");
        if ((long)keyLength > input.Remaining)
            throw input.Error($"truncated: {where}: the key needs {keyLength} bytes but the file ends after {input.Remaining}.");
        var keyBytes = new byte[keyLength];
        input.ReadExactly(keyBytes);
        string key;
        try
        {
            key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(keyBytes);
        }
        catch (DecoderFallbackException)
        {
            throw input.Error($"{where}: the key is not valid UTF-8.");
        }
        if (key.Any(char.IsControl))
            throw input.Error($"{where}: the key holds control characters.");
        where = $"entry '{key}' ({where})";
        if (!keys.Add(key))
            throw input.Error($"{where}: the key appears twice.");

        ulong code = input.ReadLeb128($"the dtype of {where}");
        var type = ElementTypeOf(code) ?? throw input.Error($"{where}: unknown or unsupported dtype code {code} (float32 is 6; see docs/checkpoint-formats.md).");
        ulong rank = input.ReadLeb128($"the rank of {where}");
        if (rank > MaxRank)
            throw input.Error($"{where}: rank {rank} is not plausible (at most {MaxRank}).");
        var shape = new int[rank];
        bool empty = false;
        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            ulong dim = input.ReadLeb128($"dimension {d} of {where}");
            if (dim > int.MaxValue)
                throw input.Error($"{where}: dimension {d} is {dim}, larger than any tensor this reader accepts.");
            shape[d] = (int)dim;
            empty |= dim == 0;
            if (dim != 0)
                count = count > SaturatedCount / (long)dim ? SaturatedCount : count * (long)dim; // never overflows
        }
        if (empty)
            count = 0;
        long maxCount = input.Remaining / type.Size();
        if (count > maxCount)
            throw input.Error($"{TruncatedData}{where}: shape {CheckpointTensor.FormatShape(shape)} of {type.TorchName()} needs {FormatBytes(count, type)} but only {input.Remaining} byte(s) remain.");
        if (type.IsFloatingPoint() && count > CheckpointLimits.MaxTensorElements)
            throw input.Error($"{where}: {count} elements, more than the largest tensor of any supported network ({CheckpointLimits.MaxTensorElements}, CheckpointLimits.MaxTensorElements).");
        long dataOffset = input.Position;
        input.Skip(count * type.Size());
        return new Entry(new CheckpointTensorInfo(key, shape, type), dataOffset);
    }

    private static string FormatBytes(long count, TensorElementType type) =>
        count >= SaturatedCount ? "more bytes than any file has" : $"{count * type.Size()} bytes";

    /// <summary>TorchSharp's <c>ScalarType</c> codes (docs/checkpoint-formats.md); quantized types are not supported.</summary>
    private static TensorElementType? ElementTypeOf(ulong code) => code switch
    {
        0 => TensorElementType.UInt8,
        1 => TensorElementType.Int8,
        2 => TensorElementType.Int16,
        3 => TensorElementType.Int32,
        4 => TensorElementType.Int64,
        5 => TensorElementType.Float16,
        6 => TensorElementType.Float32,
        7 => TensorElementType.Float64,
        9 => TensorElementType.Complex64,
        10 => TensorElementType.Complex128,
        11 => TensorElementType.Bool,
        15 => TensorElementType.BFloat16,
        _ => null,
    };

    /// <summary>A position in the stream with bounds-checked reads that fail as <see cref="CheckpointFormatException"/>.</summary>
    private sealed class Cursor(Stream stream, string path)
    {
        public long Length { get; } = stream.Length;

        public long Position { get; private set; } = stream.Position;

        public long Remaining => Length - Position;

        public CheckpointFormatException Error(string message) => new(path, message);

        /// <summary>Unsigned LEB128: 7 bits per byte, low bits first, high bit set on every byte but the last.</summary>
        public ulong ReadLeb128(string what)
        {
            ulong value = 0;
            long start = Position;
            for (int shift = 0; ; shift += 7)
            {
                if (Remaining == 0)
                    throw Error($"truncated: the file ends inside {what} (offset {start}).");
                int b = stream.ReadByte();
                Position++;
                if (shift == 63 && (b & 0xFE) != 0)
                    throw Error($"{what} at offset {start} is not a valid LEB128 number (more than 64 bits).");
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                    return value;
            }
        }

        public void ReadExactly(Span<byte> buffer)
        {
            if (buffer.Length > Remaining)
                throw Error($"truncated: {buffer.Length} bytes needed at offset {Position}, {Remaining} remain.");
            stream.ReadExactly(buffer);
            Position += buffer.Length;
        }

        public void Seek(long position)
        {
            stream.Position = position;
            Position = position;
        }

        public void Skip(long bytes)
        {
            if (bytes > Remaining)
                throw Error($"truncated: {bytes} bytes needed at offset {Position}, {Remaining} remain.");
            stream.Seek(bytes, SeekOrigin.Current);
            Position += bytes;
        }
    }
}

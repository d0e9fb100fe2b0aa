using System.Buffers.Binary;
using System.Text.Json;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the end of the header; an optional
/// <c>__metadata__</c> object of strings), then the raw little-endian data.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>Largest JSON header accepted (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    // Element counts saturate here (far above anything a file can hold), so products never overflow.
    private const long SaturatedCount = 1L << 40;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; a device, FIFO or socket is refused.</param>
    /// <param name="beforeData">Called with every tensor's name, shape and type once the header is read, before any data is
    /// read; it may throw to stop (see <see cref="CheckpointConverter.CheckSizes"/>).</param>
    /// <exception cref="CheckpointFormatException">Not a safetensors file, truncated, corrupt or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        CheckpointReader.RefuseNonRegular(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, beforeData);
    }

    /// <summary>Reads from a seekable <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="CheckpointFormatException">Not a safetensors file, truncated, corrupt or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(Stream stream, string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new CheckpointFormatException(path, $"truncated: {fileLength} bytes is shorter than a safetensors header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new CheckpointFormatException(path, $"the safetensors header length {headerLength} does not fit a file of {fileLength} bytes (truncated or not safetensors).");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        // JsonDocument checks UTF-8 only when a string is read; check it up front so that every failure is a format error.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw new CheckpointFormatException(path, "the safetensors header is not valid UTF-8.");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(header).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"the safetensors header is not valid JSON ({e.Message}).");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException(path, "the safetensors header is not a JSON object.");

        // The whole header is checked first, then the data is read.
        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "__metadata__")
                continue;
            if (!names.Add(property.Name))
                throw new CheckpointFormatException(path, $"tensor '{property.Name}' appears twice in the safetensors header.");
            var entry = ReadEntry(path, property, dataLength);
            if (entry.Info.ElementType.IsFloatingPoint() && (total += entry.End - entry.Begin) > CheckpointLimits.MaxDataBytes)
                throw new CheckpointFormatException(path,
                    $"the floating-point tensors take more than the {CheckpointLimits.MaxDataBytes} bytes a checkpoint may hold (CheckpointLimits.MaxDataBytes).");
            entries.Add(entry);
        }
        beforeData?.Invoke(entries.Select(e => e.Info).ToList());
        var tensors = entries.Select(e => ReadTensor(stream, e, dataStart)).ToList();
        return new Checkpoint(CheckpointFormat.Safetensors, tensors);
    }

    /// <summary>A header entry, checked: its data is bytes [Begin, End) of the data block.</summary>
    private sealed record Entry(CheckpointTensorInfo Info, long Begin, long End);

    private static CheckpointTensor ReadTensor(Stream stream, Entry entry, long dataStart)
    {
        var (name, shape, type) = entry.Info;
        if (!type.IsFloatingPoint())
            return new CheckpointTensor(name, shape, type, null);
        var raw = new byte[entry.End - entry.Begin];
        stream.Position = dataStart + entry.Begin;
        stream.ReadExactly(raw);
        var data = new float[entry.Info.ElementCount];
        type.ToFloat32(raw, data);
        return new CheckpointTensor(name, shape, type, data);
    }

    private static Entry ReadEntry(string path, JsonProperty property, long dataLength)
    {
        string name = property.Name;
        var info = property.Value;
        CheckpointFormatException Bad(string what) => new(path, $"tensor '{name}': {what}");
        if (info.ValueKind != JsonValueKind.Object
            || !info.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !info.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array
            || !info.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad("the header entry lacks dtype, shape or data_offsets.");
        var type = ElementTypeOf(dtype.GetString()!) ?? throw Bad($"dtype '{dtype.GetString()}' is not supported.");
        if (shapeJson.GetArrayLength() > TorchSharpCheckpointReader.MaxRank)
            throw Bad($"rank {shapeJson.GetArrayLength()} is not plausible.");
        var shape = new int[shapeJson.GetArrayLength()];
        long count = 1;
        int d = 0;
        foreach (var dim in shapeJson.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out shape[d]) || shape[d] < 0)
                throw Bad($"dimension {d} ({dim}) is not a non-negative 32-bit integer.");
            count = count == 0 || shape[d] == 0 ? 0 : count > SaturatedCount / shape[d] ? SaturatedCount : count * shape[d]; // never overflows
            d++;
        }
        // TryGetInt64 throws InvalidOperationException on a string, an array or null: the kind is checked first.
        if (offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad("data_offsets are not a valid [begin, end] pair.");
        if (end > dataLength)
            throw Bad($"truncated: its data ends at {end} but the data block has {dataLength} bytes.");
        if (end - begin != count * type.Size())
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes; shape {CheckpointTensor.FormatShape(shape)} of {type.TorchName()} needs {count * type.Size()}.");
        if (type.IsFloatingPoint() && count > CheckpointLimits.MaxTensorElements)
            throw Bad($"{count} elements, more than the largest tensor of any supported network ({CheckpointLimits.MaxTensorElements}, CheckpointLimits.MaxTensorElements).");
        return new Entry(new CheckpointTensorInfo(name, shape, type), begin, end);
    }

    private static TensorElementType? ElementTypeOf(string dtype) => dtype switch
    {
        "F32" => TensorElementType.Float32,
        "F64" => TensorElementType.Float64,
        "F16" => TensorElementType.Float16,
        "BF16" => TensorElementType.BFloat16,
        "I64" => TensorElementType.Int64,
        "I32" => TensorElementType.Int32,
        "I16" => TensorElementType.Int16,
        "I8" => TensorElementType.Int8,
        "U8" => TensorElementType.UInt8,
        "BOOL" => TensorElementType.Bool,
        _ => null,
    };
}

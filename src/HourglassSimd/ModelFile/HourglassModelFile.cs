using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using HourglassSimd.IO;
using HourglassSimd.Pose;
using HourglassSimd.Quantization;

namespace HourglassSimd;

/// <summary>
/// A model ready for inference: architecture, folded weights and their <see cref="Metadata"/> (the input normalization
/// they expect and the joint layout of their heatmaps), stored as an <c>.hgw</c> file (format in docs/weight-format.md):
/// magic, version, a JSON header (architecture, normalization, joint layout, tensor table), 64-byte aligned
/// little-endian float32 tensors, and a SHA-256 of everything before it. Version 1 files (no joint layout) still load,
/// with the layout assumed from the joint count.
/// </summary>
public sealed class HourglassModelFile
{
    /// <summary>The 8 bytes every file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "HGWEIGHT"u8;

    /// <summary>The format version this build writes for float models; it reads every version up to <see cref="QuantizedFormatVersion"/>.</summary>
    public const int FormatVersion = 2;

    /// <summary>The format version of quantized models (int8 weight tensors and activation quantization in the header).</summary>
    public const int QuantizedFormatVersion = 3;

    /// <summary>The oldest format version this build reads.</summary>
    public const int MinimumFormatVersion = 1;

    /// <summary>Largest JSON header accepted, in bytes (the header of a 64-stack model is under 1 MiB).</summary>
    public const int MaxHeaderBytes = 16 << 20;

    private const int Alignment = 64;
    private const int ChecksumLength = 32;
    private const int FixedHeaderLength = 16; // magic, version, JSON length

    /// <summary>Creates a model; trained weights are validated and folded here.</summary>
    /// <param name="architecture">The network's shape.</param>
    /// <param name="weights">Trained or folded weights.</param>
    /// <param name="normalization">The input normalization of the weights; null: pixel / 255.</param>
    /// <param name="source">Free text on where the weights came from, or null.</param>
    /// <param name="jointLayout">
    /// The joint layout of the heatmaps; null: <see cref="JointLayout.ForJointCount"/>, recorded as assumed
    /// (<see cref="JointLayoutAssumed"/>).
    /// </param>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    /// <exception cref="ArgumentException">The joint layout has another joint count than the architecture.</exception>
    public HourglassModelFile(
        HourglassArchitecture architecture, HourglassWeights weights, InputNormalization? normalization = null, string? source = null,
        JointLayout? jointLayout = null)
        : this(architecture, weights, MetadataFor(architecture, normalization, source, jointLayout))
    {
    }

    /// <summary>Creates a model with the given metadata; trained weights are validated and folded here.</summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    /// <exception cref="ArgumentException">The metadata's joint layout has another joint count than the architecture.</exception>
    public HourglassModelFile(HourglassArchitecture architecture, HourglassWeights weights, ModelMetadata metadata)
        : this(architecture, weights, metadata, FormatVersion)
    {
    }

    private static ModelMetadata MetadataFor(HourglassArchitecture architecture, InputNormalization? normalization, string? source, JointLayout? jointLayout)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return new ModelMetadata(normalization ?? InputNormalization.Default, jointLayout ?? JointLayout.ForJointCount(architecture.Joints),
            jointLayoutAssumed: jointLayout is null, source);
    }

    private HourglassModelFile(HourglassArchitecture architecture, HourglassWeights weights, ModelMetadata metadata, int version,
        QuantizedModel? quantization = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.JointLayout.Count != architecture.Joints)
            throw new ArgumentException(
                $"joint layout {metadata.JointLayout.Name} has {metadata.JointLayout.Count} joints but the architecture has {architecture.Joints}.",
                nameof(metadata));
        Architecture = architecture;
        Weights = weights.Fold(architecture);
        Metadata = metadata;
        Version = version;
        Quantization = quantization;
    }

    /// <summary>
    /// <paramref name="model"/> quantized as <paramref name="quantization"/> states: its float tensors stay, except each
    /// convolution's weights, which become the dequantized s8 values (what the int8 network computes with).
    /// </summary>
    internal static HourglassModelFile Quantized(HourglassModelFile model, QuantizedModel quantization)
    {
        var tensors = model.Weights.Tensors.Values.Select(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)
            && quantization.Weights.TryGetValue(t.Name[..^".weight".Length], out var q) ? new WeightTensor(t.Name, [.. t.Shape], q.Dequantize()) : t);
        return new HourglassModelFile(model.Architecture, new HourglassWeights(tensors, folded: true), model.Metadata, QuantizedFormatVersion, quantization);
    }

    /// <summary><paramref name="model"/> with other metadata (normalization, joint layout, source); weights and quantization unchanged.</summary>
    /// <exception cref="ArgumentException">The metadata's joint layout has another joint count than the architecture.</exception>
    public static HourglassModelFile WithMetadata(HourglassModelFile model, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new HourglassModelFile(model.Architecture, model.Weights, metadata, model.Version, model.Quantization);
    }

    /// <summary>This model with another default input size (the network is fully convolutional: the same weights run at any supported size).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side that is not a positive multiple of the architecture's input side multiple.</exception>
    public HourglassModelFile WithInputSize(int height, int width) =>
        new(Architecture.WithInputSize(height, width), Weights, Metadata, Version, Quantization);

    /// <summary>The quantization of an int8 model, or null.</summary>
    internal QuantizedModel? Quantization { get; }

    /// <summary>float32, or int8 for a model made by <c>hourglass quantize</c> (<see cref="Quantization.HourglassQuantizer"/>).</summary>
    public ModelPrecision Precision => Quantization?.Precision ?? ModelPrecision.Float32;

    /// <summary>The network's shape.</summary>
    public HourglassArchitecture Architecture { get; }

    /// <summary>The weights, folded for inference.</summary>
    public HourglassWeights Weights { get; }

    /// <summary>Normalization, joint layout and source; the network built by <see cref="CreateNetwork"/> carries it.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>How pixels become input values for these weights.</summary>
    public InputNormalization Normalization => Metadata.Normalization;

    /// <summary>Joint names, flip pairs and skeleton of the heatmap channels.</summary>
    public JointLayout JointLayout => Metadata.JointLayout;

    /// <summary>
    /// True when the joint layout was guessed from the joint count: a version 1 file (which has none), or a file whose
    /// writer was not told the layout (its header says <c>"assumed": true</c>).
    /// </summary>
    public bool JointLayoutAssumed => Metadata.JointLayoutAssumed;

    /// <summary>Free text on where the weights came from (e.g. the converted checkpoint's file name), or null.</summary>
    public string? Source => Metadata.Source;

    /// <summary>The format version the model was read from; <see cref="FormatVersion"/> for a model created in memory (and for what <see cref="Save(string)"/> writes).</summary>
    public int Version { get; }

    /// <summary>Builds the network; it carries this model's <see cref="Metadata"/>.</summary>
    public HourglassNetwork CreateNetwork(HourglassOptions? options = null) => HourglassNetwork.Build(Architecture, Weights, options, Metadata, Quantization);

    /// <summary>Reads and verifies a model file.</summary>
    /// <exception cref="ModelFileException">Not a model file, unsupported version, truncated or corrupt.</exception>
    /// <exception cref="WeightsMismatchException">The tensors do not fit the architecture the file states.</exception>
    public static HourglassModelFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new ModelFileException($"{path}: a folder, not a model file.");
        // Opening a FIFO waits for a writer, and /dev/zero never ends: only a regular file is read.
        if (FileKinds.Of(path) is var kind && kind is not (FileKind.Regular or FileKind.Missing))
            throw new ModelFileException($"{path}: {FileKinds.Describe(kind)}, not a model file.");
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ModelFileException($"{path}: cannot be read ({e.Message})");
        }
        using var opened = stream;
        try
        {
            return Load(stream);
        }
        catch (ModelFileException e)
        {
            throw new ModelFileException($"{path}: {e.Message}");
        }
    }

    /// <inheritdoc cref="Load(string)"/>
    /// <remarks>
    /// The fixed header, then the JSON header, are read and checked before anything else: the data block must have the
    /// size the stated architecture's tensors take, so a damaged or endless stream is refused after at most
    /// <see cref="MaxHeaderBytes"/> bytes, and nothing past what the header promises (plus one byte) is read.
    /// </remarks>
    public static HourglassModelFile Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return LoadChecked(stream);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            // Valid JSON holding a value of the wrong kind (a string where a number belongs, ...).
            throw new ModelFileException($"corrupt: the metadata holds a value of the wrong type ({e.Message})");
        }
        catch (ArgumentException e) when (e is not WeightsMismatchException)
        {
            // A value of the right kind that a constructor refuses: a non-finite mean, a zero std, an empty tensor name.
            throw new ModelFileException($"corrupt: the metadata holds an invalid value ({e.Message.Split('\n')[0]})");
        }
    }

    private static HourglassModelFile LoadChecked(Stream stream)
    {
        Span<byte> fixedHeader = stackalloc byte[FixedHeaderLength];
        int read = stream.ReadAtLeast(fixedHeader, FixedHeaderLength, throwOnEndOfStream: false);
        if (read < Magic.Length || !fixedHeader[..Magic.Length].SequenceEqual(Magic))
            throw new ModelFileException("not an HourglassSimd model file (.hgw): the file does not start with 'HGWEIGHT'.");
        if (read < FixedHeaderLength)
            throw new ModelFileException($"truncated: {read} bytes is shorter than the smallest model file.");
        int version = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[8..]);
        if (version < MinimumFormatVersion || version > QuantizedFormatVersion)
            throw new ModelFileException($"format version {version} is not supported (this build reads versions {MinimumFormatVersion} to {QuantizedFormatVersion}).");
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[12..]);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
            throw new ModelFileException($"corrupt: the header says {headerLength} bytes of metadata (1 to {MaxHeaderBytes} bytes).");

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
            throw new ModelFileException($"truncated: the header says {headerLength} bytes of metadata but the file ends before them.");
        JsonElement header;
        try
        {
            header = JsonDocument.Parse(headerBytes).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelFileException($"corrupt: the metadata is not valid JSON ({e.Message}).");
        }

        // The data block must be exactly what the stated architecture's tensors take (checked before reading it).
        var architecture = ReadArchitecture(header);
        var precision = version >= QuantizedFormatVersion ? ReadPrecision(header) : ModelPrecision.Float32;
        long dataLength = ReadLong(header, "dataLength");
        string[] keepFloat = precision != ModelPrecision.Float32 ? QuantizedModelJson.ReadKeepFloat(header) : [];
        long expectedData = StoredTensors(architecture, precision, keepFloat).Sum(t => Align(t.ElementCount * t.ElementSize));
        if (dataLength != expectedData)
            throw new ModelFileException($"corrupt: 'dataLength' is {dataLength}, but the tensors of {architecture} take {expectedData} bytes.");
        long dataStart = Align(FixedHeaderLength + headerLength);
        long expectedLength = dataStart + dataLength + ChecksumLength;
        if (expectedLength > Array.MaxLength)
            throw new ModelFileException($"the model file would have {expectedLength} bytes, more than this reader supports ({Array.MaxLength}).");

        var bytes = new byte[expectedLength];
        fixedHeader.CopyTo(bytes);
        headerBytes.CopyTo(bytes.AsSpan(FixedHeaderLength));
        int restLength = (int)expectedLength - FixedHeaderLength - headerLength;
        if (stream.CanSeek && stream.Length - stream.Position < restLength)
            throw new ModelFileException($"truncated: the file has {stream.Length} bytes, its header promises {expectedLength}.");
        int rest = stream.ReadAtLeast(bytes.AsSpan(FixedHeaderLength + headerLength), restLength, throwOnEndOfStream: false);
        if (rest < restLength)
            throw new ModelFileException($"truncated: the file has {FixedHeaderLength + headerLength + rest} bytes, its header promises {expectedLength}.");
        if (stream.ReadByte() >= 0)
            throw new ModelFileException($"corrupt: the file has more bytes than the {expectedLength} its header promises.");
        byte[] checksum = SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength));
        if (!checksum.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength)))
            throw new ModelFileException("corrupt: the SHA-256 checksum does not match the content.");
        return ReadModel(bytes, version, header, architecture, dataStart, dataLength, precision);
    }

    private static HourglassModelFile ReadModel(byte[] bytes, int version, JsonElement header, HourglassArchitecture architecture, long dataStart,
        long dataLength, ModelPrecision precision)
    {
        bool quantized = precision != ModelPrecision.Float32;
        var normalization = new InputNormalization(ReadFloats(header, "mean"), ReadFloats(header, "std"));
        string? source = header.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var (layout, assumed) = version >= 2 ? ReadJointLayout(header, architecture.Joints) : (JointLayout.ForJointCount(architecture.Joints), true);
        var metadata = new ModelMetadata(normalization, layout, assumed, source);
        var tensors = new List<WeightTensor>();
        var integers = new Dictionary<string, (int[] Shape, short[] Data)>(StringComparer.Ordinal);
        foreach (var entry in Property(header, "tensors").EnumerateArray())
        {
            string name = Property(entry, "name").GetString() ?? throw new ModelFileException("corrupt: a tensor has no name.");
            int[] shape = Property(entry, "shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            long offset = ReadLong(entry, "offset");
            int size = ReadElementSize(entry, name, precision);
            // Overflow-safe: the element count saturates past the data block, and the offset is compared with what remains
            // (an offset near 2^63 once wrapped 'offset + bytes' negative and read the tensor from the header).
            long maxCount = dataLength / size;
            long count = shape.Aggregate(1L, (a, d) => d < 0 ? -1 : a < 0 || (d != 0 && a > maxCount / d) ? maxCount + 1 : a * d);
            if (count < 0 || count > maxCount || offset < 0 || offset % size != 0 || offset > dataLength - count * size)
                throw new ModelFileException($"corrupt: tensor '{name}' (shape {WeightTensor.FormatShape(shape)}, offset {offset}) lies outside the data block.");
            var raw = bytes.AsSpan((int)(dataStart + offset), (int)(count * size));
            if (size != sizeof(float))
            {
                // int8 or int16 weights, held as short either way.
                var values = new short[count];
                for (int i = 0; i < values.Length; i++)
                    values[i] = size == 1 ? (sbyte)raw[i] : BinaryPrimitives.ReadInt16LittleEndian(raw.Slice(i * 2));
                if (!integers.TryAdd(name, (shape, values)))
                    throw new ModelFileException($"corrupt: tensor '{name}' is stored twice.");
                continue;
            }
            var data = new float[count];
            if (BitConverter.IsLittleEndian)
                raw.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
            else
                for (int i = 0; i < data.Length; i++)
                    data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4));
            tensors.Add(new WeightTensor(name, shape, data));
        }
        if (!quantized)
            return new HourglassModelFile(architecture, new HourglassWeights(tensors, folded: true), metadata, version);
        var quantization = QuantizedModelJson.Read(header, architecture, tensors, integers, precision);
        var floats = tensors.Where(t => !t.Name.EndsWith(QuantizedModelJson.ScaleSuffix, StringComparison.Ordinal))
            .Concat(quantization.Weights.Select(w => new WeightTensor(w.Key + ".weight", integers[w.Key + ".weight"].Shape, w.Value.Dequantize())));
        return new HourglassModelFile(architecture, new HourglassWeights(floats, folded: true), metadata, version, quantization);
    }

    private static ModelPrecision ReadPrecision(JsonElement header)
    {
        if (!header.TryGetProperty("precision", out var precision))
            return ModelPrecision.Float32;
        return precision.ValueKind == JsonValueKind.String && precision.GetString() is { } text
            ? text switch
            {
                "float32" => ModelPrecision.Float32,
                QuantizedModel.Int8 => ModelPrecision.Int8,
                QuantizedModel.Int16 => ModelPrecision.Int16,
                _ => throw new ModelFileException($"unsupported: precision '{text}' (this version reads float32, int8 and int16)."),
            }
            : throw new ModelFileException("corrupt: the header's 'precision' is not a string.");
    }

    /// <summary>
    /// Bytes per element of a tensor entry: 4 (float32, the default) or, in a quantized file, 1 (<c>"dtype": "int8"</c>,
    /// an int8 model's) or 2 (<c>"dtype": "int16"</c>, an int16 model's).
    /// </summary>
    private static int ReadElementSize(JsonElement entry, string name, ModelPrecision precision)
    {
        if (!entry.TryGetProperty("dtype", out var dtype))
            return sizeof(float);
        return dtype.ValueKind == JsonValueKind.String ? dtype.GetString() switch
        {
            "float32" => sizeof(float),
            "int8" when precision == ModelPrecision.Int8 => 1,
            "int16" when precision == ModelPrecision.Int16 => 2,
            var other => throw new ModelFileException($"corrupt: tensor '{name}' has dtype '{other}' in {(precision == ModelPrecision.Float32 ? "a" : "an")} {QuantizedModel.NameOf(precision)} model."),
        } : throw new ModelFileException($"corrupt: tensor '{name}' has a 'dtype' that is not a string.");
    }

    /// <summary>
    /// The tensors a file of <paramref name="architecture"/> stores, in order: the folded ones, with each quantized
    /// convolution's weights (all but those <paramref name="keepFloat"/> matches) as int8 or int16 plus their scales when quantized.
    /// </summary>
    private static IEnumerable<(string Name, int[] Shape, int ElementSize, long ElementCount)> StoredTensors(HourglassArchitecture architecture,
        ModelPrecision precision, IReadOnlyList<string> keepFloat)
    {
        foreach (var t in WeightLayout.EnumerateFolded(architecture))
        {
            if (precision != ModelPrecision.Float32 && t.Kind == WeightKind.ConvWeight && !keepFloat.Any(p => QuantizedModel.Matches(p, t.Name[..^".weight".Length])))
            {
                yield return (t.Name, t.Shape, precision == ModelPrecision.Int16 ? 2 : 1, t.ElementCount);
                yield return (t.Name[..^".weight".Length] + QuantizedModelJson.ScaleSuffix, [t.Shape[0]], sizeof(float), t.Shape[0]);
            }
            else
                yield return (t.Name, t.Shape, sizeof(float), t.ElementCount);
        }
    }

    private static (JointLayout Layout, bool Assumed) ReadJointLayout(JsonElement header, int joints)
    {
        try
        {
            return JointLayoutJson.Read(Property(header, "jointLayout"), "'jointLayout'", withAssumed: true, modelJoints: joints);
        }
        catch (FormatException e)
        {
            throw new ModelFileException($"corrupt: {e.Message}");
        }
    }

    /// <summary>
    /// Writes the model file through a temporary file renamed over <paramref name="path"/> (<see cref="AtomicFile"/>): a
    /// failure leaves the old file or none.
    /// </summary>
    /// <exception cref="NotRegularFileException">The path names a device, a FIFO, a socket or a directory.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, Save);
    }

    /// <inheritdoc cref="Save(string)"/>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        bool quantized = Quantization is not null;
        var stored = StoredTensors(Architecture, Precision, Quantization?.KeepFloat ?? []).ToList();
        var offsets = new List<long>();
        long dataLength = 0;
        foreach (var tensor in stored)
        {
            offsets.Add(dataLength);
            dataLength = Align(dataLength + tensor.ElementCount * tensor.ElementSize);
        }

        byte[] json = WriteHeader(stored, offsets, dataLength);
        long dataStart = Align(FixedHeaderLength + json.Length);
        var content = new byte[dataStart + dataLength];
        Magic.CopyTo(content);
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(8), quantized ? QuantizedFormatVersion : FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(12), json.Length);
        json.CopyTo(content.AsSpan(FixedHeaderLength));
        for (int t = 0; t < stored.Count; t++)
        {
            var (name, _, size, count) = stored[t];
            var destination = content.AsSpan((int)(dataStart + offsets[t]), (int)(count * size));
            if (size != sizeof(float))
            {
                short[] values = Quantization!.Weights[name[..^".weight".Length]].Values;
                for (int i = 0; i < values.Length; i++)
                {
                    if (size == 1)
                        destination[i] = (byte)checked((sbyte)values[i]);
                    else
                        BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(i * 2), values[i]);
                }
                continue;
            }
            float[] data = quantized && name.EndsWith(QuantizedModelJson.ScaleSuffix, StringComparison.Ordinal)
                ? Quantization!.Weights[name[..^QuantizedModelJson.ScaleSuffix.Length]].Scales
                : Weights.Get(name).Data;
            for (int i = 0; i < data.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4), data[i]);
        }
        stream.Write(content);
        stream.Write(SHA256.HashData(content));
    }

    private byte[] WriteHeader(List<(string Name, int[] Shape, int ElementSize, long ElementCount)> tensors, List<long> offsets, long dataLength)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "HourglassSimd model");
            json.WriteString("network", "stacked-hourglass");
            json.WriteNumber("stacks", Architecture.Stacks);
            json.WriteNumber("features", Architecture.Features);
            json.WriteNumber("joints", Architecture.Joints);
            json.WriteNumber("inputHeight", Architecture.InputHeight);
            json.WriteNumber("inputWidth", Architecture.InputWidth);
            if (Architecture.Depth != HourglassArchitecture.DefaultDepth)
                json.WriteNumber("depth", Architecture.Depth); // absent means the paper's 4, so older files read as before
            if (Architecture.Block != ResidualBlock.Bottleneck)
                json.WriteString("block", ResidualBlockNames.Name(Architecture.Block)); // absent means the paper's bottleneck
            if (Architecture.Widths is { } widths)
            {
                json.WriteStartObject("residualWidths"); // absent means every module out/2
                foreach (var (prefix, width) in widths)
                    json.WriteNumber(prefix, width);
                json.WriteEndObject();
            }
            if (Architecture.ModulesPerLevel != 1)
                json.WriteNumber("modulesPerLevel", Architecture.ModulesPerLevel); // absent means the paper's 1
            if (Architecture.StemChannels != HourglassArchitecture.DefaultStemChannels)
                json.WriteNumber("stemChannels", Architecture.StemChannels); // absent means the paper's 64
            json.WriteBoolean("folded", true);
            WriteFloats(json, "mean", Normalization.Mean);
            WriteFloats(json, "std", Normalization.Std);
            JointLayoutJson.Write(json, "jointLayout", JointLayout, JointLayoutAssumed);
            if (Source is not null)
                json.WriteString("source", Source);
            if (Quantization is { } quantization)
            {
                json.WriteString("precision", quantization.PrecisionName);
                QuantizedModelJson.Write(json, quantization);
            }
            json.WriteNumber("dataLength", dataLength);
            json.WriteStartArray("tensors");
            for (int t = 0; t < tensors.Count; t++)
            {
                json.WriteStartObject();
                json.WriteString("name", tensors[t].Name);
                json.WriteStartArray("shape");
                foreach (int d in tensors[t].Shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                if (tensors[t].ElementSize != sizeof(float))
                    json.WriteString("dtype", tensors[t].ElementSize == 1 ? QuantizedModel.Int8 : QuantizedModel.Int16);
                json.WriteNumber("offset", offsets[t]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteFloats(Utf8JsonWriter json, string name, IReadOnlyList<float> values)
    {
        json.WriteStartArray(name);
        foreach (float v in values)
            json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    private static HourglassArchitecture ReadArchitecture(JsonElement header)
    {
        if (!header.TryGetProperty("folded", out var folded) || folded.ValueKind != JsonValueKind.True)
            throw new ModelFileException("corrupt: the header does not say the weights are folded.");
        try
        {
            return new HourglassArchitecture(ReadInt(header, "stacks"), ReadInt(header, "features"), ReadInt(header, "joints"),
                ReadInt(header, "inputHeight"), ReadInt(header, "inputWidth"))
            {
                Depth = header.TryGetProperty("depth", out _) ? ReadInt(header, "depth") : HourglassArchitecture.DefaultDepth,
                Block = ReadBlock(header),
                ModulesPerLevel = header.TryGetProperty("modulesPerLevel", out _) ? ReadInt(header, "modulesPerLevel") : 1,
                Widths = ReadWidths(header),
                StemChannels = header.TryGetProperty("stemChannels", out _) ? ReadInt(header, "stemChannels") : HourglassArchitecture.DefaultStemChannels,
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ModelFileException($"corrupt: the stated architecture is invalid ({e.Message.Split('\n')[0]}).");
        }
    }

    private static ResidualWidths? ReadWidths(JsonElement header)
    {
        if (!header.TryGetProperty("residualWidths", out var widths))
            return null;
        if (widths.ValueKind != JsonValueKind.Object)
            throw new ModelFileException("corrupt: the header's 'residualWidths' is not an object.");
        var entries = new List<KeyValuePair<string, int>>();
        foreach (var entry in widths.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int width))
                throw new ModelFileException($"corrupt: the residual width of '{entry.Name}' is not an integer.");
            entries.Add(new(entry.Name, width));
        }
        try
        {
            return new ResidualWidths(entries);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException($"corrupt: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static ResidualBlock ReadBlock(JsonElement header)
    {
        if (!header.TryGetProperty("block", out var block))
            return ResidualBlock.Bottleneck;
        if (block.ValueKind != JsonValueKind.String)
            throw new ModelFileException("corrupt: the header's 'block' is not a string.");
        return ResidualBlockNames.TryParse(block.GetString(), out var parsed)
            ? parsed
            : throw new ModelFileException($"unsupported: residual block '{block.GetString()}' (this version knows {ResidualBlockNames.Accepted}).");
    }

    /// <summary>A header integer that must fit an <c>int</c> (no narrowing cast: 2^32 + 64 must not read as 64).</summary>
    private static int ReadInt(JsonElement header, string name)
    {
        long value = ReadLong(header, name);
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new ModelFileException($"corrupt: '{name}' is {value}, out of range.");
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new ModelFileException($"corrupt: the metadata lacks '{name}'.");

    private static long ReadLong(JsonElement element, string name) =>
        Property(element, name).TryGetInt64(out long value) ? value : throw new ModelFileException($"corrupt: '{name}' is not an integer.");

    private static float[] ReadFloats(JsonElement element, string name)
    {
        try
        {
            return Property(element, name).EnumerateArray().Select(v => v.GetSingle()).ToArray();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFileException($"corrupt: '{name}' is not a list of numbers.");
        }
    }

    private static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;
}

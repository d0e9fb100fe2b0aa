using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HourglassSimd.TestSupport;

/// <summary>
/// A Python dict for <see cref="TorchSaveWriter"/>; <c>ordered</c> pickles as <c>collections.OrderedDict</c>, by default
/// with the <c>_metadata</c> attribute a state dict has.
/// </summary>
public sealed class PyDict(bool ordered = false, bool withMetadata = true)
{
    public bool Ordered { get; } = ordered;

    public bool WithMetadata { get; } = ordered && withMetadata;

    public List<(object? Key, object? Value)> Items { get; } = [];

    public PyDict Add(object? key, object? value)
    {
        Items.Add((key, value));
        return this;
    }
}

/// <summary>A storage: an archive file <c>data/Key</c> of <c>TypeName</c> (<c>FloatStorage</c>, <c>LongStorage</c>, ...) elements.</summary>
public sealed record PyStorage(string Key, string TypeName, byte[] Bytes, long ElementCount)
{
    public static PyStorage Floats(string key, float[] values) =>
        new(key, "FloatStorage", values.SelectMany(BitConverter.GetBytes).ToArray(), values.Length);
}

/// <summary>A tensor view of a storage, as <c>_rebuild_tensor_v2(storage, offset, size, stride, ...)</c> describes it.</summary>
public sealed record PyTensor(PyStorage Storage, long Offset, long[] Shape, long[] Stride)
{
    public static PyTensor Contiguous(PyStorage storage, long[] shape, long offset = 0) => new(storage, offset, shape, ContiguousStride(shape));

    public static long[] ContiguousStride(long[] shape)
    {
        var stride = new long[shape.Length];
        long step = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            stride[d] = step;
            step *= shape[d];
        }
        return stride;
    }
}

/// <summary>
/// A small pickle writer that lays a file out the way <c>torch.save</c> does (pickle protocol 2; zip with
/// <c>NAME/data.pkl</c>, <c>NAME/data/KEY</c>, <c>NAME/version</c>, <c>NAME/byteorder</c>): Python's opcode choices for
/// ints, strings, tuples, lists, dicts and OrderedDicts, memoized strings and globals (BINPUT/BINGET, LONG_BINPUT
/// past 255), tensors as <c>_rebuild_tensor_v2</c> calls on persistent-id storages. Test fixtures only: it gives the
/// reader nested and prefixed checkpoints, optimizer state and views that TorchSharp.PyBridge cannot write.
/// </summary>
public sealed class TorchSaveWriter
{
    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _memo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PyStorage> _storages = new(StringComparer.Ordinal);
    private int _nextMemo;

    public static byte[] Pickle(object? root, out IReadOnlyCollection<PyStorage> storages)
    {
        var writer = new TorchSaveWriter();
        writer._out.Write([0x80, 2]);
        writer.Save(root);
        writer._out.WriteByte((byte)'.');
        storages = writer._storages.Values;
        return writer._out.ToArray();
    }

    public static void Save(string path, object? root, string archiveName = "archive", string byteOrder = "little")
    {
        byte[] pickle = Pickle(root, out var storages);
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Write(zip, $"{archiveName}/data.pkl", pickle);
        Write(zip, $"{archiveName}/byteorder", Encoding.ASCII.GetBytes(byteOrder));
        foreach (var storage in storages)
            Write(zip, $"{archiveName}/data/{storage.Key}", storage.Bytes);
        Write(zip, $"{archiveName}/version", "3\n"u8.ToArray());
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    private void Save(object? value)
    {
        switch (value)
        {
            case null: Op('N'); break;
            case bool b: _out.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
            case int i: SaveInt(i); break;
            case long l: SaveInt(l); break;
            case double d:
                Op('G');
                Span<byte> bytes = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(bytes, d);
                _out.Write(bytes);
                break;
            case string s: SaveString(s); break;
            case object?[] tuple: SaveTuple(tuple); break;
            case List<object?> list:
                Op(']');
                Put(null);
                if (list.Count > 0)
                {
                    Op('(');
                    foreach (var item in list)
                        Save(item);
                    Op('e');
                }
                break;
            case PyDict dict: SaveDict(dict); break;
            case PyTensor tensor: SaveTensor(tensor); break;
            default: throw new ArgumentException($"cannot pickle {value.GetType()}");
        }
    }

    private void SaveInt(long value)
    {
        if (value is >= 0 and < 256)
        {
            Op('K');
            _out.WriteByte((byte)value);
        }
        else if (value is >= 0 and < 65536)
        {
            Op('M');
            _out.Write(BitConverter.GetBytes((ushort)value));
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Op('J');
            _out.Write(BitConverter.GetBytes((int)value));
        }
        else
        {
            _out.WriteByte(0x8a);
            _out.WriteByte(8);
            _out.Write(BitConverter.GetBytes(value));
        }
    }

    private void SaveString(string s)
    {
        if (_memo.TryGetValue("s:" + s, out int at))
        {
            Get(at);
            return;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        _out.Write(BitConverter.GetBytes(bytes.Length));
        _out.Write(bytes);
        Put("s:" + s);
    }

    private void SaveGlobal(string module, string name)
    {
        if (_memo.TryGetValue($"g:{module}.{name}", out int at))
        {
            Get(at);
            return;
        }
        Op('c');
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        Put($"g:{module}.{name}");
    }

    private void SaveTuple(object?[] tuple)
    {
        if (tuple.Length == 0)
        {
            Op(')');
            return;
        }
        if (tuple.Length > 3)
            Op('(');
        foreach (var item in tuple)
            Save(item);
        _out.WriteByte(tuple.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
        Put(null);
    }

    private void SaveDict(PyDict dict)
    {
        if (dict.Ordered)
        {
            SaveGlobal("collections", "OrderedDict");
            Op(')');
            Op('R');
        }
        else
        {
            Op('}');
        }
        Put(null);
        // Python batches SETITEMS by 1000.
        foreach (var chunk in dict.Items.Chunk(1000))
        {
            Op('(');
            foreach (var (key, value) in chunk)
            {
                Save(key);
                Save(value);
            }
            Op('u');
        }
        if (dict.WithMetadata)
        {
            // The state dict's _metadata: OrderedDict({'': {'version': 1}}), applied by BUILD.
            var metadata = new PyDict(ordered: true, withMetadata: false).Add("", new PyDict().Add("version", 1));
            Save(new PyDict().Add("_metadata", metadata));
            Op('b');
        }
    }

    private void SaveTensor(PyTensor tensor)
    {
        _storages.TryAdd(tensor.Storage.Key, tensor.Storage);
        SaveGlobal("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        // Persistent id ('storage', torch.XStorage, key, location, numel), written as BINPERSID.
        Op('(');
        SaveString("storage");
        SaveGlobal("torch", tensor.Storage.TypeName);
        SaveString(tensor.Storage.Key);
        SaveString("cpu");
        SaveInt(tensor.Storage.ElementCount);
        Op('t');
        Put(null);
        Op('Q');
        SaveInt(tensor.Offset);
        SaveTuple(tensor.Shape.Cast<object?>().ToArray());
        SaveTuple(tensor.Stride.Cast<object?>().ToArray());
        Save(false);
        SaveGlobal("collections", "OrderedDict");
        Op(')');
        Op('R');
        Put(null);
        Op('t');
        Put(null);
        Op('R');
        Put(null);
    }

    private void Op(char c) => _out.WriteByte((byte)c);

    private void Put(string? key)
    {
        int index = _nextMemo++;
        if (key is not null)
            _memo[key] = index;
        if (index < 256)
        {
            Op('q');
            _out.WriteByte((byte)index);
        }
        else
        {
            Op('r');
            _out.Write(BitConverter.GetBytes(index));
        }
    }

    private void Get(int index)
    {
        if (index < 256)
        {
            Op('h');
            _out.WriteByte((byte)index);
        }
        else
        {
            Op('j');
            _out.Write(BitConverter.GetBytes(index));
        }
    }
}

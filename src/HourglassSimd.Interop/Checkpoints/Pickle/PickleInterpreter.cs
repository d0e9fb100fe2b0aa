using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// A minimal, safe interpreter for the pickles that <c>torch.save</c> writes for state dicts and training checkpoints
/// (protocol 2, as PyTorch writes them; the few protocol 3-4 opcodes that cost nothing are accepted too). It builds
/// plain data only: <see cref="PickleDict"/>, <see cref="List{T}"/> (lists and sets), <c>object?[]</c> (tuples),
/// <see cref="string"/>, <see cref="byte"/>[], <see cref="long"/>, <see cref="BigInteger"/>, <see cref="double"/>,
/// <see cref="bool"/>, null, <see cref="TorchTensorReference"/>, <see cref="TorchStorageReference"/>,
/// <see cref="PickleGlobal"/> and <see cref="PickleObject"/>.
/// </summary>
/// <remarks>
/// No code from the file ever runs: a <c>GLOBAL</c> is checked against <see cref="PickleGlobals"/> when it is read and
/// is only a name afterwards; <c>REDUCE</c> and <c>NEWOBJ</c> give meaning to a handful of those names
/// (<c>OrderedDict</c>, <c>_rebuild_tensor_v2</c>, <c>_rebuild_parameter</c>) and otherwise record the call as an inert
/// <see cref="PickleObject"/>. Every length is checked against the bytes left, and every opcode outside the supported
/// set is an error, so a damaged or hostile file fails with a <see cref="CheckpointFormatException"/>.
/// </remarks>
public sealed class PickleInterpreter
{
    // Longest LONG4 integer accepted, in bytes (Python ints in checkpoints are small).
    private const int MaxLongBytes = 64;

    private readonly byte[] _data;
    private readonly string _path;
    private readonly string _entry;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private int _opcodeOffset;

    private PickleInterpreter(byte[] data, string path, string entry)
    {
        _data = data;
        _path = path;
        _entry = entry;
    }

    /// <summary>Interprets <paramref name="pickle"/> and returns the object it describes.</summary>
    /// <param name="pickle">The pickle's bytes.</param>
    /// <param name="path">The checkpoint file, for messages.</param>
    /// <param name="entry">The pickle's name inside the file (e.g. <c>archive/data.pkl</c>), for messages.</param>
    /// <exception cref="CheckpointFormatException">Truncated, corrupt, or using an opcode or global outside the allow-list.</exception>
    public static object? Load(byte[] pickle, string path, string entry)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        return new PickleInterpreter(pickle, path, entry).Run();
    }

    private object? Run()
    {
        while (true)
        {
            _opcodeOffset = _position;
            byte op = ReadByte("an opcode");
            switch (op)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte("the protocol number");
                    if (protocol > 5)
                        throw Error($"pickle protocol {protocol} is not supported (0 to 5).");
                    break;
                case 0x95: // FRAME (protocol 4): only a read-ahead hint.
                    ReadBytes(8, "a frame length");
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                        throw Error($"STOP with {_stack.Count} values and {_marks.Count} marks on the stack (expected exactly 1 value).");
                    return _stack[0];

                case (byte)'(': // MARK
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop();
                    break;
                case (byte)'1': // POP_MARK
                    PopMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek());
                    break;

                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4, "a BININT"))); break;
                case (byte)'K': Push((long)ReadByte("a BININT1")); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2, "a BININT2"))); break;
                case 0x8a: Push(ReadLong(ReadByte("a LONG1 length"))); break; // LONG1
                case 0x8b: // LONG4
                    int longLength = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4, "a LONG4 length"));
                    if (longLength is < 0 or > MaxLongBytes)
                        throw Error($"a LONG4 integer of {longLength} bytes is not plausible (at most {MaxLongBytes}).");
                    Push(ReadLong(longLength));
                    break;
                case (byte)'I': Push(ParseIntLine(ReadLine("an INT"))); break;
                case (byte)'L': Push(ParseIntLine(ReadLine("a LONG").TrimEnd('L'))); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8, "a BINFLOAT"))); break;
                case (byte)'F':
                    string floatText = ReadLine("a FLOAT");
                    if (!double.TryParse(floatText, NumberStyles.Float, CultureInfo.InvariantCulture, out double floatValue))
                        throw Error($"'{floatText}' is not a float.");
                    Push(floatValue);
                    break;

                case (byte)'X': Push(ReadText(ReadLength(4, "a BINUNICODE length"), Encoding.UTF8)); break;
                case 0x8c: Push(ReadText(ReadByte("a SHORT_BINUNICODE length"), Encoding.UTF8)); break;
                case 0x8d: Push(ReadText(ReadLength(8, "a BINUNICODE8 length"), Encoding.UTF8)); break;
                case (byte)'T': Push(ReadText(ReadLength(4, "a BINSTRING length"), Encoding.Latin1)); break; // Python 2 str
                case (byte)'U': Push(ReadText(ReadByte("a SHORT_BINSTRING length"), Encoding.Latin1)); break;
                case (byte)'B': Push(ReadBytes(ReadLength(4, "a BINBYTES length"), "BINBYTES data").ToArray()); break;
                case (byte)'C': Push(ReadBytes(ReadByte("a SHORT_BINBYTES length"), "SHORT_BINBYTES data").ToArray()); break;
                case 0x8e: Push(ReadBytes(ReadLength(8, "a BINBYTES8 length"), "BINBYTES8 data").ToArray()); break;

                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); break; // TUPLE
                case 0x85: Push(new[] { Pop() }); break; // TUPLE1
                case 0x86: // TUPLE2
                {
                    var b = Pop();
                    var a = Pop();
                    Push(new[] { a, b });
                    break;
                }
                case 0x87: // TUPLE3
                {
                    var c = Pop();
                    var b = Pop();
                    var a = Pop();
                    Push(new[] { a, b, c });
                    break;
                }

                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)'a': // APPEND
                {
                    var item = Pop();
                    PeekAs<List<object?>>("APPEND").Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopMark();
                    PeekAs<List<object?>>("APPENDS").AddRange(items);
                    break;
                }
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET: kept as a list
                case 0x90: // ADDITEMS
                {
                    var items = PopMark();
                    PeekAs<List<object?>>("ADDITEMS").AddRange(items);
                    break;
                }
                case 0x91: Push(PopMark()); break; // FROZENSET

                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)'d': // DICT
                {
                    var items = PopMark();
                    Push(ToDict(items));
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    PeekAs<PickleDict>("SETITEM").Set(key, value);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    var dict = PeekAs<PickleDict>("SETITEMS");
                    if (items.Count % 2 != 0)
                        throw Error("SETITEMS with an odd number of values.");
                    for (int i = 0; i < items.Count; i += 2)
                        dict.Set(items[i], items[i + 1]);
                    break;
                }

                case (byte)'c': // GLOBAL
                {
                    string module = ReadLine("a GLOBAL module");
                    string name = ReadLine("a GLOBAL name");
                    Push(CheckGlobal(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string ?? throw Error("STACK_GLOBAL needs two strings.");
                    var module = Pop() as string ?? throw Error("STACK_GLOBAL needs two strings.");
                    Push(CheckGlobal(module, name));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var arguments = Pop() as object?[] ?? throw Error("REDUCE needs a tuple of arguments.");
                    var callable = Pop() as PickleGlobal ?? throw Error("REDUCE needs a global to call.");
                    Push(Reduce(callable, arguments));
                    break;
                }
                case 0x81: // NEWOBJ
                {
                    var arguments = Pop() as object?[] ?? throw Error("NEWOBJ needs a tuple of arguments.");
                    var type = Pop() as PickleGlobal ?? throw Error("NEWOBJ needs a class.");
                    Push(Reduce(type, arguments));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                }
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;

                case (byte)'q': Memoize(ReadByte("a BINPUT index")); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4, "a LONG_BINPUT index"))); break;
                case 0x94: Memoize(_memo.Count); break; // MEMOIZE
                case (byte)'p': Memoize(ParseIndexLine(ReadLine("a PUT index"))); break;
                case (byte)'h': Push(Recall(ReadByte("a BINGET index"))); break; // BINGET
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4, "a LONG_BINGET index")))); break;
                case (byte)'g': Push(Recall(ParseIndexLine(ReadLine("a GET index")))); break;

                default:
                    throw Error($"pickle opcode 0x{op:x2}{Printable(op)} is not supported by this reader (it reads what torch.save writes for state dicts).");
            }
        }
    }

    private static string Printable(byte op) => op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "";

    private PickleGlobal CheckGlobal(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        if (PickleGlobals.IsAllowed(global))
            return global;
        // A class from the user's own code usually means torch.save(model) rather than torch.save(model.state_dict()).
        string hint = module == "__main__" || module.StartsWith("torch.nn", StringComparison.Ordinal) || name.Length > 0 && char.IsUpper(name[0])
            ? " A whole pickled model (torch.save(model)) is not supported: save model.state_dict() instead."
            : "";
        throw Error($"global '{global}' is not on the allow-list of this reader, which never runs code from a checkpoint.{hint}");
    }

    private object Reduce(PickleGlobal callable, object?[] arguments)
    {
        switch (callable.ToString())
        {
            case "collections.OrderedDict":
                if (arguments.Length == 0)
                    return new PickleDict();
                // OrderedDict(iterable of (key, value) pairs), e.g. OrderedDict(()) as PyBridge writes an empty one.
                if (arguments is [IEnumerable<object?> items]
                    && items.All(p => p is object?[] { Length: 2 }))
                    return ToDict(items.Cast<object?[]>().SelectMany(p => p).ToList());
                throw Error("OrderedDict called with unexpected arguments.");
            case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor":
                return RebuildTensor(arguments);
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state":
                return arguments.Length >= 1 && arguments[0] is TorchTensorReference tensor
                    ? tensor
                    : throw Error($"{callable} needs a tensor as its first argument.");
        }
        if (PickleGlobals.IsInert(callable))
            return new PickleObject(callable, arguments);
        throw Error($"'{callable}' cannot be called here.");
    }

    private TorchTensorReference RebuildTensor(object?[] arguments)
    {
        // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
        if (arguments.Length is < 4 or > 7 || arguments[0] is not TorchStorageReference storage || arguments[1] is not long offset
            || arguments[2] is not object?[] size || arguments[3] is not object?[] stride || size.Length != stride.Length)
            throw Error("_rebuild_tensor_v2 called with arguments other than (storage, offset, size, stride, ...).");
        if (size.Length > TorchSharpCheckpointReader.MaxRank)
            throw Error($"a tensor of rank {size.Length} is not plausible.");
        var shape = new int[size.Length];
        var strides = new long[size.Length];
        for (int d = 0; d < size.Length; d++)
        {
            if (size[d] is not long dim || dim is < 0 or > int.MaxValue || stride[d] is not long step || step < 0)
                throw Error($"tensor dimension {d} has size {size[d] ?? "None"} and stride {stride[d] ?? "None"}, which are not valid.");
            shape[d] = (int)dim;
            strides[d] = step;
        }
        if (offset < 0)
            throw Error($"a tensor has a negative storage offset {offset}.");
        return new TorchTensorReference(storage, offset, shape, strides);
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleDict dict:
                dict.Attributes = state;
                break;
            case PickleObject inert:
                inert.State = state;
                break;
            case TorchTensorReference:
                break; // Tensor attributes (rare) carry nothing a state dict needs.
            default:
                throw Error($"BUILD on {Describe(target)} is not supported.");
        }
    }

    private TorchStorageReference PersistentLoad(object? id)
    {
        // torch.save: ('storage', storage_type, key, location, numel)
        if (id is not object?[] { Length: 5 } parts || parts[0] is not "storage")
            throw Error($"persistent id {Describe(id)} is not a torch storage ('storage', type, key, location, numel).");
        if (parts[1] is not PickleGlobal type || PickleGlobals.StorageElementType(type) is not { } elementType)
            throw Error($"persistent id names storage type {Describe(parts[1])}, which is not a known torch storage.");
        if (parts[2] is not string key || key.Length == 0 || key.Length > 64 || !key.All(char.IsAsciiLetterOrDigit))
            throw Error($"persistent id has storage key {Describe(parts[2])}; expected a short alphanumeric name.");
        if (parts[4] is not long count || count < 0)
            throw Error($"storage '{key}' has element count {Describe(parts[4])}.");
        return new TorchStorageReference(key, elementType, parts[3] as string ?? "", count);
    }

    private PickleDict ToDict(List<object?> items)
    {
        if (items.Count % 2 != 0)
            throw Error("DICT with an odd number of values.");
        var dict = new PickleDict();
        for (int i = 0; i < items.Count; i += 2)
            dict.Set(items[i], items[i + 1]);
        return dict;
    }

    private void Memoize(long index)
    {
        if (_memo.Count >= _data.Length)
            throw Error("more memo entries than the pickle has bytes.");
        _memo[index] = Peek();
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Error($"memo entry {index} is read before it is stored.");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => Stacked() ? _stack[^1] : throw Error("the stack is empty.");

    // True when the current MARK segment holds at least one value.
    private bool Stacked() => _stack.Count > (_marks.Count > 0 ? _marks.Peek() : 0);

    private T PeekAs<T>(string opcode) where T : class =>
        Peek() as T ?? throw Error($"{opcode} on {Describe(Peek())}.");

    private object? Pop()
    {
        if (!Stacked())
            throw Error("the stack is empty.");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
            throw Error("no MARK to pop to.");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte(string what)
    {
        if (_position >= _data.Length)
            throw Error($"truncated: the pickle ends before {what}.");
        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(long count, string what)
    {
        if (count < 0 || count > _data.Length - _position)
            throw Error($"truncated: {what} needs {count} bytes, {_data.Length - _position} remain.");
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private long ReadLength(int size, string what)
    {
        var bytes = ReadBytes(size, what);
        ulong length = size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (length > (ulong)(_data.Length - _position))
            throw Error($"truncated: {what} of {length} exceeds the {_data.Length - _position} bytes that remain.");
        return (long)length;
    }

    private string ReadText(long length, Encoding encoding)
    {
        var bytes = ReadBytes(length, "a string");
        try
        {
            return encoding == Encoding.UTF8 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes) : encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8.");
        }
    }

    private string ReadLine(string what)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position, Math.Min(_data.Length - _position, 1024));
        if (end < 0)
            throw Error($"truncated or corrupt: {what} has no end of line within 1024 bytes.");
        string line = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    private object ReadLong(int length)
    {
        var bytes = ReadBytes(length, "a LONG");
        if (length <= 8)
        {
            long value = 0;
            for (int i = length - 1; i >= 0; i--)
                value = (value << 8) | bytes[i];
            int unused = 64 - 8 * length;
            return length == 0 ? 0L : unused == 0 ? value : (value << unused) >> unused; // sign-extend
        }
        return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    private object ParseIntLine(string text)
    {
        if (text == "01")
            return true; // protocol 0 spelling of True/False
        if (text == "00")
            return false;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            return value;
        if (text.Length <= 200 && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
            return big;
        throw Error($"'{text}' is not an integer.");
    }

    private long ParseIndexLine(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : throw Error($"'{text}' is not a memo index.");

    private CheckpointFormatException Error(string message) =>
        new(_path, $"{_entry} offset {_opcodeOffset}: {message}");

    /// <summary>A short description of a pickled value for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{(s.Length > 40 ? s[..40] + "..." : s)}'",
        long or double or bool or BigInteger => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        object?[] tuple => $"a tuple of {tuple.Length}",
        List<object?> list => $"a list of {list.Count}",
        byte[] bytes => $"{bytes.Length} bytes",
        _ => value.ToString() ?? value.GetType().Name,
    };
}

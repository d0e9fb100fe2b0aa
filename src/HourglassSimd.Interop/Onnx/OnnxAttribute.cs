namespace HourglassSimd.Interop.Onnx;

/// <summary>One node attribute (<c>AttributeProto</c>): an int, a list of ints, a float or a string.</summary>
internal sealed class OnnxAttribute
{
    private readonly int _type;
    private readonly long _int;
    private readonly long[]? _ints;
    private readonly float _float;
    private readonly string? _string;

    private OnnxAttribute(string name, int type, long i = 0, long[]? ints = null, float f = 0, string? s = null)
    {
        Name = name;
        _type = type;
        _int = i;
        _ints = ints;
        _float = f;
        _string = s;
    }

    public string Name { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, OnnxFields.AttributeType.Int, i: value);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxFields.AttributeType.Ints, ints: values);

    public static OnnxAttribute Float(string name, float value) => new(name, OnnxFields.AttributeType.Float, f: value);

    public static OnnxAttribute String(string name, string value) => new(name, OnnxFields.AttributeType.String, s: value);

    public ProtoMessage ToProto()
    {
        var proto = new ProtoMessage().String(OnnxFields.Attribute.Name, Name);
        switch (_type)
        {
            case OnnxFields.AttributeType.Int:
                proto.Varint(OnnxFields.Attribute.I, _int);
                break;
            case OnnxFields.AttributeType.Ints:
                foreach (long v in _ints!)
                    proto.Varint(OnnxFields.Attribute.Ints, v);
                break;
            case OnnxFields.AttributeType.Float:
                proto.Float(OnnxFields.Attribute.F, _float);
                break;
            default:
                proto.String(OnnxFields.Attribute.S, _string!);
                break;
        }
        // The explicit type is required since IR version 2: ONNX Runtime rejects attributes without it.
        return proto.Varint(OnnxFields.Attribute.Type, _type);
    }
}

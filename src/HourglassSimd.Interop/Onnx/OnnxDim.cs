namespace HourglassSimd.Interop.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name such as <c>N</c>.</summary>
internal readonly record struct OnnxDim(long Value, string? Param)
{
    public static OnnxDim Fixed(long value) => new(value, null);

    public static OnnxDim Symbolic(string name) => new(0, name);

    public static implicit operator OnnxDim(long value) => Fixed(value);

    public ProtoMessage ToProto() => Param is null
        ? new ProtoMessage().Varint(OnnxFields.Dimension.DimValue, Value)
        : new ProtoMessage().String(OnnxFields.Dimension.DimParam, Param);

    public override string ToString() => Param ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

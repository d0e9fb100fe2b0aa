using HourglassSimd.TestSupport;
namespace HourglassSimd.Parity.Tests.Support;

/// <summary>
/// The parts of an ONNX <c>ModelProto</c> the tests look at, decoded with <see cref="ProtoReader"/> and field
/// numbers written out from onnx.proto here (independently of the exporter's own constants).
/// </summary>
internal sealed class OnnxModelView
{
    public sealed record Node(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, ProtoReader> Attributes);

    public sealed record Tensor(string Name, IReadOnlyList<long> Dims, int DataType, int RawDataBytes, bool HasTypedData);

    public sealed record ValueInfo(string Name, int ElemType, IReadOnlyList<string> Dims);

    public OnnxModelView(byte[] model)
    {
        var m = new ProtoReader(model);
        IrVersion = m.Int(1) ?? 0;
        ProducerName = m.String(2) ?? "";
        Opsets = m.Messages(8).Select(o => (o.String(1) ?? "", o.Int(2) ?? 0)).ToList();
        var g = m.Messages(7).Single();
        Nodes = g.Messages(1).Select(n => new Node(
            n.String(3) ?? "", n.String(4) ?? "", n.String(7) ?? "", n.Strings(1).ToList(), n.Strings(2).ToList(),
            n.Messages(5).ToDictionary(a => a.String(1) ?? "", a => a))).ToList();
        Initializers = g.Messages(5).Select(t => new Tensor(
            t.String(8) ?? "", t.Ints(1), (int)(t.Int(2) ?? 0), t.One(9)?.Bytes.Length ?? 0,
            t.All(4).Any() || t.All(5).Any() || t.All(7).Any())).ToList();
        Inputs = g.Messages(11).Select(ReadValueInfo).ToList();
        Outputs = g.Messages(12).Select(ReadValueInfo).ToList();
    }

    public long IrVersion { get; }

    public string ProducerName { get; }

    public IReadOnlyList<(string Domain, long Version)> Opsets { get; }

    public IReadOnlyList<Node> Nodes { get; }

    public IReadOnlyList<Tensor> Initializers { get; }

    public IReadOnlyList<ValueInfo> Inputs { get; }

    public IReadOnlyList<ValueInfo> Outputs { get; }

    public int Count(string opType, string domain = "") => Nodes.Count(n => n.OpType == opType && n.Domain == domain);

    private static ValueInfo ReadValueInfo(ProtoReader v)
    {
        var tensorType = v.Messages(2).Single().Messages(1).Single();
        var dims = tensorType.Messages(2).SingleOrDefault()?.Messages(1)
            .Select(d => d.String(2) ?? d.Int(1)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?").ToList() ?? [];
        return new ValueInfo(v.String(1) ?? "", (int)(tensorType.Int(1) ?? 0), dims);
    }
}

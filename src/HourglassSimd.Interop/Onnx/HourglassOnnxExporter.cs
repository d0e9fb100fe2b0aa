using HourglassSimd.IO;
using HourglassSimd.Quantization;

namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// Exports a Stacked Hourglass network as a standard ONNX model (opset 13, IR version 7) that ONNX Runtime and
/// other runtimes load: input <c>input</c> float32 <c>[N, 3, H, W]</c> with a symbolic batch <c>N</c>, output
/// <c>heatmaps</c> float32 <c>[N, stacks, joints, H/4, W/4]</c>, the same contract as
/// <see cref="HourglassNetwork.Run(ReadOnlySpan{float}, Span{float})"/>. Batch norms are folded first
/// (docs/onnx-export.md lists the node mapping).
/// </summary>
public static class HourglassOnnxExporter
{
    /// <summary>The <c>ai.onnx</c> operator set the model imports.</summary>
    public const int OpsetVersion = 13;

    /// <summary>The ONNX IR version written (7 is the one that goes with opset 13).</summary>
    public const int IrVersion = 7;

    /// <summary>The operator set of an int16 model's QDQ form: <c>QuantizeLinear</c> to int16 needs opset 21.</summary>
    public const int Int16OpsetVersion = 21;

    /// <summary>The IR version that goes with opset 21.</summary>
    public const int Int16IrVersion = 10;

    /// <summary>Name of the graph input.</summary>
    public const string InputName = "input";

    /// <summary>Name of the graph output.</summary>
    public const string OutputName = "heatmaps";

    /// <summary>Symbolic name of the batch dimension of input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>Name of the symbolic input height with <see cref="OnnxExportOptions.DynamicSize"/>.</summary>
    public const string HeightDimension = "H";

    /// <summary>Name of the symbolic input width with <see cref="OnnxExportOptions.DynamicSize"/>.</summary>
    public const string WidthDimension = "W";

    /// <summary>
    /// Writes the network of a model file (architecture and weights; the normalization is not part of ONNX) to
    /// <paramref name="destination"/>. An int8 model (<see cref="HourglassModelFile.Precision"/>) is written in QDQ
    /// form: <c>QuantizeLinear</c> / <c>DequantizeLinear</c> around the float operators wherever the engine stores or
    /// reads a u8 map, which ONNX Runtime fuses into its int8 kernels (docs/onnx-export.md).
    /// </summary>
    /// <example><code>HourglassOnnxExporter.Export(HourglassModelFile.Load("hg2.hgw"), stream, new OnnxExportOptions { DynamicSize = true });</code></example>
    public static OnnxExportSummary Export(HourglassModelFile model, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (proto, graph) = Build(model, options);
        proto.WriteTo(destination);
        return Summarize(graph, proto.Size);
    }

    /// <summary>Writes a model file's network (QDQ form for an int8 model) to a file (created or replaced whole, <see cref="AtomicFile"/>).</summary>
    /// <exception cref="NotRegularFileException">The path names a device, a FIFO, a socket or a directory.</exception>
    public static OnnxExportSummary ExportToFile(HourglassModelFile model, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.RefuseNonRegular(path);
        var (proto, graph) = Build(model, options);
        AtomicFile.Write(path, proto.WriteTo);
        return Summarize(graph, proto.Size);
    }

    /// <summary>A model file's network (QDQ form for an int8 model) serialized in memory (for <c>new InferenceSession(byte[])</c>); at most 2 GiB.</summary>
    public static byte[] ExportToBytes(HourglassModelFile model, out OnnxExportSummary summary, OnnxExportOptions? options = null)
    {
        var (proto, graph) = Build(model, options);
        byte[] bytes = proto.ToArray();
        summary = Summarize(graph, bytes.Length);
        return bytes;
    }

    /// <summary>Writes the model to <paramref name="destination"/>.</summary>
    /// <param name="architecture">The network shape.</param>
    /// <param name="weights">Trained or folded weights (validated against <paramref name="architecture"/> and folded here).</param>
    /// <param name="destination">Receives the serialized <c>ModelProto</c>; not closed.</param>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    /// <param name="options">Export choices (default: symbolic batch).</param>
    public static OnnxExportSummary Export(HourglassArchitecture architecture, HourglassWeights weights, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (model, graph) = Build(architecture, weights, options);
        model.WriteTo(destination);
        return Summarize(graph, model.Size);
    }

    /// <summary>Writes the model to a file (created or replaced whole, <see cref="AtomicFile"/>).</summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    /// <exception cref="NotRegularFileException">The path names a device, a FIFO, a socket or a directory.</exception>
    public static OnnxExportSummary ExportToFile(HourglassArchitecture architecture, HourglassWeights weights, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.RefuseNonRegular(path);
        var (model, graph) = Build(architecture, weights, options);
        AtomicFile.Write(path, model.WriteTo);
        return Summarize(graph, model.Size);
    }

    /// <summary>The serialized model in memory (for <c>new InferenceSession(byte[])</c>); at most 2 GiB.</summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    public static byte[] ExportToBytes(HourglassArchitecture architecture, HourglassWeights weights, OnnxExportOptions? options = null) =>
        ExportToBytes(architecture, weights, out _, options);

    /// <inheritdoc cref="ExportToBytes(HourglassArchitecture, HourglassWeights, OnnxExportOptions?)"/>
    public static byte[] ExportToBytes(HourglassArchitecture architecture, HourglassWeights weights, out OnnxExportSummary summary, OnnxExportOptions? options = null)
    {
        var (model, graph) = Build(architecture, weights, options);
        byte[] bytes = model.ToArray();
        summary = Summarize(graph, bytes.Length);
        return bytes;
    }

    private static (ProtoMessage Model, OnnxGraphBuilder Graph) Build(HourglassModelFile model, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Precision == ModelPrecision.Float32)
            return Build(model.Architecture, model.Weights, options);
        var graph = HourglassOnnxGraph.BuildQuantized(model, options ?? OnnxExportOptions.Default);
        string name = QuantizedModel.NameOf(model.Precision);
        return model.Precision == ModelPrecision.Int16
            ? (Assemble(graph, model.Architecture, $"{name} QDQ (Clip to ±2047 steps, QuantizeLinear / DequantizeLinear around the float operators)", Int16OpsetVersion, Int16IrVersion), graph)
            : (Assemble(graph, model.Architecture, $"{name} QDQ (QuantizeLinear / DequantizeLinear around the float operators)"), graph);
    }

    private static (ProtoMessage Model, OnnxGraphBuilder Graph) Build(HourglassArchitecture architecture, HourglassWeights weights, OnnxExportOptions? options)
    {
        var graph = HourglassOnnxGraph.Build(architecture, weights, options ?? OnnxExportOptions.Default);
        return (Assemble(graph, architecture, "batch norms folded"), graph);
    }

    private static ProtoMessage Assemble(OnnxGraphBuilder graph, HourglassArchitecture architecture, string form, int opset = OpsetVersion, int irVersion = IrVersion)
    {
        string version = typeof(HourglassNetwork).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        return graph.BuildModel(
            graphName: "stacked_hourglass",
            irVersion: irVersion,
            opsetVersion: opset,
            producerName: "HourglassSimd",
            producerVersion: version,
            docString: $"Stacked Hourglass: {architecture}; {form}; input RGB NCHW float32, output heatmaps [N, stacks, joints, H/4, W/4].");
    }

    private static OnnxExportSummary Summarize(OnnxGraphBuilder graph, long bytes) =>
        new(graph.NodeCount, graph.InitializerCount, graph.InitializerElements, bytes, new SortedDictionary<string, int>(graph.OperatorCounts.ToDictionary(), StringComparer.Ordinal))
        {
            Opset = graph.Opset,
        };
}

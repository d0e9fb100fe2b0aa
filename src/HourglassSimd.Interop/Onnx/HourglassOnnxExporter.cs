using HourglassSimd.IO;

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

    /// <summary>Writes the network of a model file (architecture and weights; the normalization is not part of ONNX) to <paramref name="destination"/>.</summary>
    /// <example><code>HourglassOnnxExporter.Export(HourglassModelFile.Load("hg2.hgw"), stream, new OnnxExportOptions { DynamicSize = true });</code></example>
    public static OnnxExportSummary Export(HourglassModelFile model, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Export(model.Architecture, model.Weights, destination, options);
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

    /// <summary>Writes the model to a file, created or replaced atomically (<see cref="AtomicFile"/>).</summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    public static OnnxExportSummary ExportToFile(HourglassArchitecture architecture, HourglassWeights weights, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
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

    private static (ProtoMessage Model, OnnxGraphBuilder Graph) Build(HourglassArchitecture architecture, HourglassWeights weights, OnnxExportOptions? options)
    {
        var graph = HourglassOnnxGraph.Build(architecture, weights, options ?? OnnxExportOptions.Default);
        string version = typeof(HourglassNetwork).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var model = graph.BuildModel(
            graphName: "stacked_hourglass",
            irVersion: IrVersion,
            opsetVersion: OpsetVersion,
            producerName: "HourglassSimd",
            producerVersion: version,
            docString: $"Stacked Hourglass: {architecture}; batch norms folded; input RGB NCHW float32, output heatmaps [N, stacks, joints, H/4, W/4].");
        return (model, graph);
    }

    private static OnnxExportSummary Summarize(OnnxGraphBuilder graph, long bytes) =>
        new(graph.NodeCount, graph.InitializerCount, graph.InitializerElements, bytes, new SortedDictionary<string, int>(graph.OperatorCounts.ToDictionary(), StringComparer.Ordinal));
}

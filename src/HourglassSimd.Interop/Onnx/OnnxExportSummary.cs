using System.Globalization;

namespace HourglassSimd.Interop.Onnx;

/// <summary>What an ONNX export wrote.</summary>
/// <param name="Nodes">Graph nodes.</param>
/// <param name="Initializers">Constant tensors (weights, biases and a few shape constants).</param>
/// <param name="InitializerElements">Values held by the initializers.</param>
/// <param name="Bytes">Size of the serialized model.</param>
/// <param name="OperatorCounts">Nodes per operator type, sorted by name.</param>
public sealed record OnnxExportSummary(int Nodes, int Initializers, long InitializerElements, long Bytes, IReadOnlyDictionary<string, int> OperatorCounts)
{
    /// <summary>The <c>ai.onnx</c> operator set the model imports (<see cref="HourglassOnnxExporter.OpsetVersion"/>, or <see cref="HourglassOnnxExporter.Int16OpsetVersion"/> for an int16 model).</summary>
    public int Opset { get; init; } = HourglassOnnxExporter.OpsetVersion;

    /// <summary>One line, e.g. <c>opset 13, 420 nodes (Add 50, BatchNormalization 48, ...), 300 initializers (6,5 M values), 25.1 MiB</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"opset {Opset}, {Nodes} nodes ({string.Join(", ", OperatorCounts.Select(p => $"{p.Key} {p.Value}"))}), " +
        $"{Initializers} initializers ({InitializerElements:N0} values), {Bytes:N0} bytes ({Bytes / 1048576.0:F1} MiB)");
}

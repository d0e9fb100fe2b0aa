namespace HourglassSimd.Interop.Onnx;

/// <summary>Choices an ONNX export can make; the defaults give the general-purpose model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The defaults: symbolic batch dimension <c>N</c>.</summary>
    public static OnnxExportOptions Default { get; } = new();

    /// <summary>
    /// A fixed batch size for input and output instead of the symbolic <c>N</c>, or null (default) for any batch.
    /// </summary>
    /// <remarks>
    /// ONNX shape inference loses a symbolic batch dimension at <c>Resize</c>, so ONNX Runtime's NCHWc pass cannot
    /// prove that the two inputs of the hourglass and merge additions have equal shapes: it then wraps them in
    /// reshapes and gives up fusing the merge additions into their convolutions. A fixed batch lets it do both,
    /// which is what a fair latency baseline for one batch size wants.
    /// </remarks>
    public int? Batch { get; init; }

    /// <summary>
    /// Symbolic input height and width (<c>H</c>, <c>W</c>; the heatmaps <c>H/4</c>, <c>W/4</c>) instead of the
    /// architecture's fixed size: one model for every input size whose sides are multiples of 64. Default false.
    /// </summary>
    public bool DynamicSize { get; init; }

    /// <summary>
    /// For an int8 model: also declare every u8 activation (the <c>QuantizeLinear</c> outputs, named
    /// <c>&lt;activation&gt;.quantized</c>) a graph output, to compare a runtime's quantized arithmetic with the
    /// engine's tensor by tensor. Default false; float models have none.
    /// </summary>
    public bool QuantizedActivations { get; init; }
}

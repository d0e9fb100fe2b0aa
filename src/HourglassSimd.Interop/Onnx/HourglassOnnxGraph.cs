using HourglassSimd.Quantization;
using HourglassSimd.Topology;

namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// Writes the folded Stacked Hourglass (hourglass-spec §1) as ONNX nodes by walking <see cref="HourglassTopology"/>,
/// the description the engine's plan builder walks too. Node names follow the weight prefixes (<c>hgs.0.0.up1.conv2.conv</c>),
/// initializers keep the weight names (<c>hgs.0.0.up1.conv2.conv.weight</c>).
/// </summary>
/// <remarks>
/// Each residual module's opening batch norm cannot fold into a convolution, so it is written as
/// <c>BatchNormalization</c> with mean 0, variance 1 and epsilon 0 around the folded scale and shift, which computes
/// exactly <c>scale·x + shift</c>. ONNX Runtime's NCHWc layout pass turns such a node into a depthwise 1x1 NCHWc
/// convolution and fuses the ReLU after it, so the whole network stays in its blocked layout; an explicit
/// <c>Mul</c> + <c>Add</c> with <c>[1, C, 1, 1]</c> constants is not rewritten and would force reorders back to
/// NCHW around every residual module, which would make ONNX Runtime an unfairly slow baseline.
/// </remarks>
internal sealed partial class HourglassOnnxGraph : IHourglassVisitor<string>
{
    private const string ResizeScales = "upsample.scales";
    private const string UnsqueezeAxes = "unsqueeze.axes";

    private readonly HourglassArchitecture _arch;
    private readonly HourglassWeights _weights;
    private readonly OnnxExportOptions _options;
    private readonly OnnxGraphBuilder _graph = new();
    private readonly HashSet<string> _sharedConstants = new(StringComparer.Ordinal);
    private readonly List<string> _heatmaps = [];
    private OnnxDim _batch;
    private string? _image;

    private HourglassOnnxGraph(HourglassArchitecture arch, HourglassWeights foldedWeights, OnnxExportOptions options, QuantizedModel? quantized = null)
    {
        _arch = arch;
        _weights = foldedWeights;
        _options = options;
        _quantized = quantized;
    }

    /// <summary>Builds the graph; <paramref name="weights"/> are validated against the architecture and folded first.</summary>
    public static OnnxGraphBuilder Build(HourglassArchitecture arch, HourglassWeights weights, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Batch is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Batch, "A fixed batch size must be at least 1.");
        return Walk(new HourglassOnnxGraph(arch, weights.Fold(arch), options));
    }

    private static OnnxGraphBuilder Walk(HourglassOnnxGraph builder)
    {
        HourglassTopology.Walk(builder._arch, builder);
        builder.AddOutput();
        return builder._graph;
    }

    public string Image(int channels)
    {
        _batch = _options.Batch is { } fixedBatch ? OnnxDim.Fixed(fixedBatch) : OnnxDim.Symbolic(HourglassOnnxExporter.BatchDimension);
        var (height, width) = _options.DynamicSize
            ? (OnnxDim.Symbolic(HourglassOnnxExporter.HeightDimension), OnnxDim.Symbolic(HourglassOnnxExporter.WidthDimension))
            : (OnnxDim.Fixed(_arch.InputHeight), OnnxDim.Fixed(_arch.InputWidth));
        string image = _image = _graph.AddInput(HourglassOnnxExporter.InputName, _batch, channels, height, width);
        _graph.AddInitializer(ResizeScales, [4], [1f, 1f, 2f, 2f]);
        _graph.AddInt64Initializer(UnsqueezeAxes, [1], [1L]);
        return image;
    }

    /// <summary>
    /// [prologue: <c>BatchNormalization</c> (scale, shift, mean 0, var 1, epsilon 0) + <c>Relu</c>] → <c>Conv</c> with the
    /// folded batch norm → [<c>Add</c> residual] → [<c>Relu</c>]. Node names follow the weight prefixes.
    /// </summary>
    public string Convolution(ConvStep step, string input, string? residual) =>
        _quantized is null ? FloatConvolution(step, input, residual, Initializer(step.Name + ".weight")) : QuantizedConvolution(step, input, residual);

    private string FloatConvolution(ConvStep step, string input, string? residual, string weight)
    {
        string x = input;
        if (step.Prologue is { } p)
            x = PreActivation(p, x);
        x = Conv(step, x, weight, Initializer(step.Name + ".bias"));
        if (residual is not null)
            x = _graph.AddNode("Add", step.SumName ?? step.Name + ".add", [x, residual]);
        return step.Relu ? Relu(ReluName(step), x) : x;
    }

    private string Conv(ConvStep step, string input, string weight, string bias) =>
        _graph.AddNode("Conv", step.Name, [input, weight, bias],
            OnnxAttribute.Ints("kernel_shape", step.KernelSize, step.KernelSize),
            OnnxAttribute.Ints("pads", step.Padding, step.Padding, step.Padding, step.Padding),
            OnnxAttribute.Ints("strides", step.Stride, step.Stride),
            OnnxAttribute.Ints("dilations", 1, 1),
            OnnxAttribute.Int("group", step.Groups));

    /// <summary>pre.0.conv → pre.0.relu, hgs.0.0.up1.conv1.conv → hgs.0.0.up1.conv1.relu.</summary>
    private static string ReluName(ConvStep step) => (step.Name.EndsWith(".conv", StringComparison.Ordinal) ? step.Name[..^5] : step.Name) + ".relu";

    /// <summary>A residual module's opening batch norm (scale, shift, mean 0, var 1, epsilon 0) and its ReLU.</summary>
    private string PreActivation(PreActivation p, string input)
    {
        string mean = SharedConstant($"preact.mean.zeros.{p.Channels}", p.Channels, 0f);
        string variance = SharedConstant($"preact.var.ones.{p.Channels}", p.Channels, 1f);
        string bn = _graph.AddNode("BatchNormalization", p.Name,
            [input, Initializer(p.Name + ".scale"), Initializer(p.Name + ".shift"), mean, variance],
            OnnxAttribute.Float("epsilon", 0f));
        return Relu(p.Name + ".relu", bn);
    }

    public string MaxPool(string name, string input) =>
        _graph.AddNode("MaxPool", name, [RequireFloat(input, name)], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));

    /// <summary>Resize-13 (inputs X, roi omitted, scales): asymmetric + floor copies each low-res pixel to a 2x2 block; then <c>Add</c>.</summary>
    public string UpsampleAdd(string name, string low, string skip)
    {
        string up = _graph.AddNode("Resize", name + ".upsample", [RequireFloat(low, name), "", ResizeScales],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
        return _graph.AddNode("Add", name + ".add", [RequireFloat(skip, name), up]);
    }

    public void Heatmaps(int stack, string heatmaps) => _heatmaps.Add(RequireFloat(heatmaps, $"outs.{stack}"));

    /// <summary>[N, J, h, w] per stack → [N, 1, J, h, w] → concatenated on axis 1 to [N, S, J, h, w].</summary>
    private void AddOutput()
    {
        var stacked = _heatmaps.Select((heat, s) => _graph.AddNode("Unsqueeze",
            _arch.Stacks == 1 ? HourglassOnnxExporter.OutputName : $"outs.{s}.unsqueeze", [heat, UnsqueezeAxes])).ToList();
        if (_arch.Stacks > 1)
            _graph.AddNode("Concat", HourglassOnnxExporter.OutputName, stacked, OnnxAttribute.Int("axis", 1));
        var (height, width) = _options.DynamicSize
            ? (OnnxDim.Symbolic(HourglassOnnxExporter.HeightDimension + "/4"), OnnxDim.Symbolic(HourglassOnnxExporter.WidthDimension + "/4"))
            : (OnnxDim.Fixed(_arch.OutputHeight), OnnxDim.Fixed(_arch.OutputWidth));
        _graph.AddOutput(HourglassOnnxExporter.OutputName, _batch, _arch.Stacks, _arch.Joints, height, width);
        foreach (string activation in _activationOutputs)
            _graph.AddOutput(activation, _quantized!.Precision == ModelPrecision.Int16 ? OnnxFields.DataType.Int16 : OnnxFields.DataType.UInt8, dims: null);
    }

    private string Relu(string name, string input) => _graph.AddNode("Relu", name, [input]);

    private string Initializer(string name)
    {
        var tensor = Tensor(name);
        return _graph.AddInitializer(name, tensor.Shape, tensor.Data);
    }

    private WeightTensor Tensor(string name) =>
        _weights.Tensors.TryGetValue(name, out var tensor) ? tensor : throw new InvalidOperationException($"The folded weights have no tensor '{name}'.");

    /// <summary>A constant filled with one value, written once and shared by every node that needs it.</summary>
    private string SharedConstant(string name, int length, float value)
    {
        if (_sharedConstants.Add(name))
        {
            var data = new float[length];
            Array.Fill(data, value);
            _graph.AddInitializer(name, [length], data);
        }
        return name;
    }
}

using HourglassSimd.Quantization;
using HourglassSimd.Topology;

namespace HourglassSimd.Interop.Onnx;

/// <summary>
/// The QDQ form of a quantized model: the float graph with <c>QuantizeLinear</c> where the engine's quantized plan
/// stores a u8 (or s16) map and <c>DequantizeLinear</c> where something reads one, so that a runtime that fuses QDQ
/// groups (ONNX Runtime: <c>DequantizeLinear</c> x3 → <c>Conv</c> [→ <c>Relu</c>] → <c>QuantizeLinear</c> becomes
/// <c>QLinearConv</c>) computes what our int8 kernels compute. Which convolution runs quantized and which in float is
/// decided by <see cref="QuantizedModel.RunsInFloat"/>, the rule the engine's plan builder follows; an int16 model's
/// depthwise convolutions run in float between s16 maps (<see cref="QuantizedModel.RunsDepthwiseBetweenQuantizedMaps"/>).
/// An int16 model (opset 21, where <c>QuantizeLinear</c> takes int16) gets a <c>Clip</c> to ±2047 steps before each
/// <c>QuantizeLinear</c>: its activations use 12 of the 16 bits (<c>Int16Requantization.MaxActivation</c>), and ONNX's
/// quantization saturates at ±32767 only.
/// </summary>
/// <remarks>
/// Per quantized convolution: its s8 weights (<c>.weight</c>, with <c>.weight_scale</c> and a zero
/// <c>.weight_zero_point</c> per output channel, dequantized on axis 0), its bias as int32 at the accumulator's scale
/// (<c>.bias_quantized</c>, <c>.bias_scale</c> = x_scale · w_scale[o], as <see cref="QuantizedConvWeights"/> computes
/// it), and one <c>DequantizeLinear</c> per reader of a u8 map. An activation's u8 map is named
/// <c>&lt;activation&gt;.quantized</c>, its scale <c>&lt;activation&gt;.quantized_scale</c> and zero point
/// <c>&lt;activation&gt;.quantized_zero_point</c>.
/// </remarks>
internal sealed partial class HourglassOnnxGraph
{
    private readonly QuantizedModel? _quantized;

    /// <summary>The quantized maps (u8 or s16) written so far (<c>QuantizeLinear</c> outputs) and the initializer names of their quantization.</summary>
    private readonly Dictionary<string, (string Scale, string ZeroPoint)> _quantizedMaps = new(StringComparer.Ordinal);

    /// <summary>Quantized maps also declared as graph outputs (<see cref="OnnxExportOptions.QuantizedActivations"/>).</summary>
    private readonly List<string> _activationOutputs = [];

    private string? _quantizedImage;

    /// <summary>Builds the QDQ graph of an int8 or int16 model.</summary>
    /// <exception cref="ArgumentException">The model is not quantized.</exception>
    public static OnnxGraphBuilder BuildQuantized(HourglassModelFile model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var quantized = model.Quantization ?? throw new ArgumentException("The model is not quantized; export it as a float model.", nameof(model));
        if (options.Batch is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Batch, "A fixed batch size must be at least 1.");
        return Walk(new HourglassOnnxGraph(model.Architecture, model.Weights, options, quantized));
    }

    private string QuantizedConvolution(ConvStep step, string input, string? residual)
    {
        var model = _quantized!;
        if (step.Groups != 1 && (!step.IsDepthwise || residual is not null))
            throw new NotSupportedException(
                $"'{step.Name}' is a grouped convolution ({step.Groups} groups); quantized models run full and depthwise ones without a residual only.");
        if (model.RunsDepthwiseBetweenQuantizedMaps(step))
            return DepthwiseBetweenQuantizedMaps(step, input);
        if (input == _image && !model.IsFloat(step.Name))
            input = QuantizedImage();
        if (model.RunsInFloat(step, readsFloat: !_quantizedMaps.ContainsKey(input)))
        {
            return FloatConvolution(step, Dequantize(input, step.Name + ".input"),
                residual is null ? null : Dequantize(residual, step.Name + ".residual"), Weight(step.Name));
        }
        if (step.Prologue is { } p)
            input = Quantize(ActivationNames.Of(p), PreActivation(p, Dequantize(input, p.Name + ".input")));
        if (step.Relu && residual is not null)
            throw new NotSupportedException($"'{step.Name}': an int8 convolution adds a residual only to a float output without a ReLU.");
        string x = Conv(step, Dequantize(input, step.Name + ".input"), Weight(step.Name), QuantizedBias(step, model.Activation(UnquantizedName(input))));
        if (residual is not null)
            x = _graph.AddNode("Add", step.SumName ?? step.Name + ".add", [x, Dequantize(residual, step.Name + ".residual")]);
        // With a ReLU the output is a u8 map; without one it joins the float residual stream.
        return step.Relu ? Quantize(ActivationNames.Of(step), Relu(ReluName(step), x)) : x;
    }

    /// <summary>
    /// An int16 model's depthwise convolution as the engine runs it (<see cref="QuantizedModel.RunsDepthwiseBetweenQuantizedMaps"/>):
    /// a float <c>Conv</c> on the dequantized input and weights with the float bias, its <c>Relu</c>, and a
    /// <c>QuantizeLinear</c> of the result. (An int8 model's runs as its other int8 convolutions do.)
    /// </summary>
    private string DepthwiseBetweenQuantizedMaps(ConvStep step, string input) =>
        Quantize(ActivationNames.Of(step), FloatConvolution(step, Dequantize(input, step.Name + ".input"), null, Weight(step.Name)));

    /// <summary>The image quantized once, for every int8 convolution that reads it.</summary>
    private string QuantizedImage() => _quantizedImage ??= Quantize(ActivationNames.Image, _image!);

    private bool IsInt16 => _quantized!.Precision == ModelPrecision.Int16;

    /// <summary><c>QuantizeLinear</c> of <paramref name="value"/> into activation <paramref name="activation"/>'s u8 (or s16) map.</summary>
    private string Quantize(string activation, string value)
    {
        var q = _quantized!.Activation(activation);
        string scale = _graph.AddInitializer(activation + ".quantized_scale", [], [q.Scale]);
        string zeroPoint = IsInt16
            ? _graph.AddInt16Initializer(activation + ".quantized_zero_point", [], [0])
            : _graph.AddUInt8Initializer(activation + ".quantized_zero_point", [], [q.ZeroPoint]);
        if (IsInt16)
        {
            float bound = Int16Requantization.MaxActivation * q.Scale;
            value = _graph.AddNode("Clip", activation + ".clip",
                [value, _graph.AddInitializer(activation + ".clip_min", [], [-bound]), _graph.AddInitializer(activation + ".clip_max", [], [bound])]);
        }
        string quantized = _graph.AddNode("QuantizeLinear", activation + QuantizedSuffix, [value, scale, zeroPoint]);
        _quantizedMaps.Add(quantized, (scale, zeroPoint));
        if (_options.QuantizedActivations)
            _activationOutputs.Add(quantized);
        return quantized;
    }

    private const string QuantizedSuffix = ".quantized";

    private static string UnquantizedName(string quantized) => quantized[..^QuantizedSuffix.Length];

    /// <summary>A u8 map dequantized for one reader, <paramref name="reader"/> naming the node; a float value as it is.</summary>
    private string Dequantize(string value, string reader) =>
        _quantizedMaps.TryGetValue(value, out var q) ? _graph.AddNode("DequantizeLinear", reader + ".dequantize", [value, q.Scale, q.ZeroPoint]) : value;

    /// <summary>Convolution <paramref name="name"/>'s weights: its s8 values dequantized per output channel, or its float weights when kept.</summary>
    private string Weight(string name)
    {
        if (!_quantized!.Weights.TryGetValue(name, out var weight))
            return Initializer(name + ".weight");
        int outChannels = weight.Scales.Length;
        var shape = Tensor(name + ".weight").Shape;
        string values = IsInt16 ? _graph.AddInt16Initializer(name + ".weight", shape, weight.Values) : _graph.AddInt8Initializer(name + ".weight", shape, weight.ToInt8());
        string scale = _graph.AddInitializer(name + ".weight_scale", [outChannels], weight.Scales);
        string zeroPoint = IsInt16
            ? _graph.AddInt16Initializer(name + ".weight_zero_point", [outChannels], new short[outChannels])
            : _graph.AddInt8Initializer(name + ".weight_zero_point", [outChannels], new sbyte[outChannels]);
        return _graph.AddNode("DequantizeLinear", name + ".weight.dequantize", [values, scale, zeroPoint], OnnxAttribute.Int("axis", 0));
    }

    /// <summary>The bias of a quantized convolution as int32 at the accumulator's scale, dequantized on axis 0.</summary>
    private string QuantizedBias(ConvStep step, ActivationQuantization input)
    {
        var weight = _quantized!.Weights[step.Name];
        // The engine's own rule: the int32 bias at the accumulator's scale x_scale · w_scale[o].
        var (biasQ, _, accumulatorScales) = QuantizedConvWeights.QuantizeBias(Tensor(step.Name + ".bias").Data, weight.Scales, input,
            _quantized.Activation(ActivationNames.Of(step)), _quantized.MaxBias);
        string values = _graph.AddInt32Initializer(step.Name + ".bias_quantized", [biasQ.Length], biasQ);
        string scale = _graph.AddInitializer(step.Name + ".bias_scale", [biasQ.Length], accumulatorScales);
        return _graph.AddNode("DequantizeLinear", step.Name + ".bias.dequantize", [values, scale], OnnxAttribute.Int("axis", 0));
    }

    /// <summary>A quantized model's pooling, upsample-add and heads run on its float residual stream only, as in the engine.</summary>
    private string RequireFloat(string value, string name) =>
        _quantizedMaps.ContainsKey(value)
            ? throw new NotSupportedException($"'{name}' reads a u8 map; in a quantized model it runs on the float residual stream only.")
            : value;
}

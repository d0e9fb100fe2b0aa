using HourglassSimd.Kernels.Int16;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Topology;

namespace HourglassSimd.Graph;

/// <summary>
/// Turns a walk of <see cref="HourglassTopology"/> into the layers of a quantized plan: int8 convolutions inside the
/// residual modules, a float32 residual stream between them. The hourglass's residual sums reach hundreds of times the
/// range of the tensors inside its modules (the demo model: ±600 against ±20), more than one u8 scale holds, so:
/// <list type="bullet">
/// <item>the image is quantized once and the stem convolution runs in int8 (u8 out, with its ReLU);</item>
/// <item>each residual module quantizes its opening batch norm + ReLU (<see cref="QuantizeActivationLayer{TElement, T}"/> from
/// float, <see cref="QuantizedPreActivationLayer"/> from u8), runs conv1 and conv2 in int8 between u8 maps, and conv3
/// (and a shortcut projection that reads a u8 map) in int8 with a float output, the float residual added in the store;</item>
/// <item>what reads the float stream without a batch norm first (a shortcut projection of a float map, the heads and
/// merges: 1x1 layers, a small share of the MACs), max pooling and upsample-add run in float32 on the SIMD float layers;</item>
/// <item>a depthwise convolution (the depthwise block's conv2) runs on the int8 depthwise kernel between u8 maps; in an
/// int16 plan, on the float depthwise kernel between s16 maps (<see cref="QuantizedModel.RunsDepthwiseBetweenQuantizedMaps"/>).</item>
/// </list>
/// The arena placement and the in-place residual writes are the float plan's (<see cref="ExecutionPlan"/>). An int16
/// model (<see cref="QuantizedModel.Precision"/>) gets the same plan with symmetric s16 maps and the int16 layers
/// (Int16Layers.cs) in place of the u8 ones.
/// </summary>
internal sealed class QuantizedGraphBuilder : IHourglassVisitor<Value>
{
    private readonly HourglassArchitecture _arch;
    private readonly PackedWeights _weights;
    private readonly QuantizedModel _model;
    private readonly Int8KernelPath _path;
    private readonly Int16KernelPath _int16Path;
    private readonly LayerFactory _floats;
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<Value, Layer> _producers = [];
    private readonly Dictionary<Value, ActivationQuantization> _quantization = [];
    private readonly List<ActivationProbe> _probes = [];
    private readonly Dictionary<Value, Value> _dequantized = [];
    private Value? _image;
    private Value? _quantizedImage;

    private QuantizedGraphBuilder(HourglassArchitecture arch, PackedWeights weights, QuantizedModel model, Int8KernelPath path, Int16KernelPath int16Path)
    {
        (_arch, _weights, _model, _path, _int16Path) = (arch, weights, model, path, int16Path);
        // The float layers must share the int8 layers' NCHW16c float maps: the scalar path borrows Vector128's layers.
        _floats = LayerFactory.For(weights.Isa == KernelIsa.Scalar ? KernelIsa.Vector128 : weights.Isa);
    }

    /// <summary>The quantized plan for the input size of <paramref name="arch"/>.</summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, PackedWeights weights, QuantizedModel model, Int8KernelPath path,
        Int16KernelPath int16Path = Int16KernelPath.Scalar)
    {
        var builder = new QuantizedGraphBuilder(arch, weights, model, path, int16Path);
        HourglassTopology.Walk(arch, builder);
        builder.WriteDeadResidualsInPlace();
        return new ExecutionPlan(builder._layers, packChannels: true, builder._probes);
    }

    /// <summary>The float image; the first int8 convolution that reads it quantizes it (<see cref="QuantizedImage"/>).</summary>
    public Value Image(int channels)
    {
        _image = new Value(channels, _arch.InputHeight, _arch.InputWidth, plain: true);
        Add(new ImportImageLayer(_image));
        return _image;
    }

    private Value QuantizedImage()
    {
        if (_quantizedImage is null)
        {
            var q = _model.Activation(ActivationNames.Image);
            _quantizedImage = Quantized(_image!.Channels, _image.Height, _image.Width, q);
            Add(IsInt16 ? new QuantizeImageLayer<Int16Element, short>(_image, _quantizedImage, q) : new QuantizeImageLayer<UInt8Element, byte>(_image, _quantizedImage, q));
            Probe(ActivationNames.Image, _quantizedImage);
        }
        return _quantizedImage;
    }

    public Value Convolution(ConvStep step, Value input, Value? residual)
    {
        if (step.Groups != 1)
            return DepthwiseConvolution(step, input, residual);
        if (input == _image && !_model.IsFloat(step.Name))
            input = QuantizedImage();
        // Kept in float, or reading the float stream with no batch norm to quantize first.
        if (_model.RunsInFloat(step, input.Format == ValueFormat.Float))
            return FloatConvolution(step, AsFloat(input), residual is null ? null : AsFloat(residual));
        if (step.Prologue is { } prologue)
        {
            var q = _model.Activation(ActivationNames.Of(prologue));
            var activated = Quantized(input.Channels, input.Height, input.Width, q);
            float[] scale = _weights.Folded.Get(prologue.Name + ".scale").Data, shift = _weights.Folded.Get(prologue.Name + ".shift").Data;
            Add((input.Format == ValueFormat.Float, IsInt16) switch
            {
                (true, false) => new QuantizeActivationLayer<UInt8Element, byte>(input, activated, scale, shift, q),
                (false, false) => new QuantizedPreActivationLayer(input, activated, scale, shift, _quantization[input], q),
                (true, true) => new QuantizeActivationLayer<Int16Element, short>(input, activated, scale, shift, q),
                (false, true) => new Int16PreActivationLayer(input, activated, scale, shift, _quantization[input], q),
            });
            Probe(ActivationNames.Of(prologue), activated);
            input = activated;
        }
        if (step.Relu && residual is not null)
            throw new NotSupportedException($"'{step.Name}': an int8 convolution adds a residual only to a float output without a ReLU.");
        RequireHalo(input, step.Padding);
        int height = step.OutputSize(input.Height), width = step.OutputSize(input.Width);
        // With a ReLU the output is a bounded u8 map; without one it joins the float residual stream.
        var outQ = _model.Activation(ActivationNames.Of(step));
        var output = step.Relu ? Quantized(step.OutChannels, height, width, outQ) : new Value(step.OutChannels, height, width);
        float[] bias = _weights.Folded.Get(step.Name + ".bias").Data;
        var floatResidual = residual is null ? null : AsFloat(residual);
        Add(IsInt16
            ? new Int16ConvLayer(input, output, floatResidual,
                _model.PackedInt16(step.Name, bias, step.InChannels, step.KernelSize, step.Stride, step.Padding, _quantization[input], outQ, step.Relu), _int16Path)
            : new Int8ConvLayer(input, output, floatResidual, default,
                _model.Packed(step.Name, bias, step.InChannels, step.KernelSize, step.Stride, step.Padding, _quantization[input], outQ, step.Relu), _path));
        Probe(ActivationNames.Of(step), output);
        return output;
    }

    /// <summary>A convolution in float32 with its dequantized (or kept) weights, its batch norm + ReLU fused as in the float plan.</summary>
    private Value FloatConvolution(ConvStep step, Value input, Value? residual)
    {
        var conv = _weights.Conv(step.Name, step.Stride, step.Padding);
        (float[], float[])? prologue = step.Prologue is { } p
            ? (_weights.Folded.Get(p.Name + ".scale").Data, _weights.Folded.Get(p.Name + ".shift").Data)
            : null;
        RequireFloatHalo(input, step.Padding);
        var output = new Value(step.OutChannels, step.OutputSize(input.Height), step.OutputSize(input.Width));
        Add(step.IsDepthwise
            ? _floats.Depthwise(input, output, residual, _weights, step.Name, conv, step.Relu)
            : _floats.Convolution(input, output, residual, _weights, step.Name, conv, prologue, step.Relu));
        if (!_model.RunsDepthwiseBetweenQuantizedMaps(step))
            Probe(ActivationNames.Of(step), output);
        return output;
    }

    /// <summary>
    /// A depthwise 3x3 convolution: in an int8 model on the integer kernel between u8 maps (<see cref="Int8DepthwiseConvLayer"/>);
    /// in an int16 model on the float kernel between s16 maps (<see cref="QuantizedModel.RunsDepthwiseBetweenQuantizedMaps"/>);
    /// kept, or reading a float map, in float with a float output (<see cref="QuantizedModel.RunsInFloat"/>).
    /// </summary>
    private Value DepthwiseConvolution(ConvStep step, Value input, Value? residual)
    {
        if (!step.IsDepthwise || step is not { KernelSize: 3, Stride: 1, Padding: 1, Prologue: null, Relu: true } || residual is not null)
            throw new NotSupportedException(
                $"'{step.Name}' is a grouped convolution ({step.Groups} groups); a quantized plan runs depthwise 3x3 ones with a ReLU and no residual only.");
        if (_model.RunsInFloat(step, input.Format == ValueFormat.Float))
            return FloatConvolution(step, AsFloat(input), null);
        var q = _model.Activation(ActivationNames.Of(step));
        var output = Quantized(step.OutChannels, input.Height, input.Width, q);
        if (IsInt16)
        {
            var floats = FloatConvolution(step, AsFloat(input), null);
            Add(new QuantizeActivationLayer<Int16Element, short>(floats, output, q));
        }
        else
        {
            RequireHalo(input, step.Padding);
            float[] bias = _weights.Folded.Get(step.Name + ".bias").Data;
            Add(new Int8DepthwiseConvLayer(input, output, _model.PackedDepthwise(step.Name, bias, _quantization[input], q, relu: true)));
        }
        Probe(ActivationNames.Of(step), output);
        return output;
    }

    /// <summary>A quantized map as a float map (dequantized once, by <see cref="DequantizeLayer{TElement, T}"/>); a float map as it is.</summary>
    private Value AsFloat(Value value)
    {
        if (value.Format == ValueFormat.Float)
            return value;
        if (!_dequantized.TryGetValue(value, out var floats))
        {
            _dequantized[value] = floats = new Value(value.Channels, value.Height, value.Width);
            Add(IsInt16 ? new DequantizeLayer<Int16Element, short>(value, floats, _quantization[value]) : new DequantizeLayer<UInt8Element, byte>(value, floats, _quantization[value]));
        }
        return floats;
    }

    /// <summary>A padded float convolution reads its input's zero halo, which only the image import and the float layers that own their output clear.</summary>
    private void RequireFloatHalo(Value input, int padding)
    {
        if (padding == 0 || padding <= input.Root.Halo)
            return;
        if (!_producers.TryGetValue(input.Root, out var producer) || producer is not (ImportImageLayer or ConvLayer or DequantizeLayer<UInt8Element, byte> or DequantizeLayer<Int16Element, short>))
            throw new NotSupportedException($"A padded float convolution reads a value made by {producer?.Describe() ?? "nothing"}, which writes no zero border.");
        input.Root.Halo = padding;
    }

    public Value MaxPool(string name, Value input)
    {
        RequireFloat(input, name);
        var pooled = new Value(input.Channels, input.Height / 2, input.Width / 2);
        Add(_floats.MaxPool(input, pooled));
        return pooled;
    }

    public Value UpsampleAdd(string name, Value low, Value skip)
    {
        RequireFloat(low, name);
        RequireFloat(skip, name);
        var sum = new Value(skip.Channels, skip.Height, skip.Width, aliasOf: skip);
        Add(_floats.UpsampleAdd(low, skip, sum));
        Probe(ActivationNames.OfUpsampleAdd(name), sum);
        return sum;
    }

    public void Heatmaps(int stack, Value heatmaps)
    {
        RequireFloat(heatmaps, $"outs.{stack}");
        _layers.Add(new ExportHeatmapsLayer(heatmaps, stack));
    }

    private static void RequireFloat(Value value, string name)
    {
        if (value.Format != ValueFormat.Float)
            throw new NotSupportedException($"'{name}' reads a quantized map; in a quantized plan it runs on the float residual stream only.");
    }

    /// <summary>Records that the layer just added writes the activation <paramref name="name"/>.</summary>
    private void Probe(string name, Value value) =>
        _probes.Add(new ActivationProbe(_layers.Count - 1, name, value, _quantization.TryGetValue(value, out var q) ? q : null));

    private bool IsInt16 => _model.Precision == ModelPrecision.Int16;

    /// <summary>A quantized map of the model's precision: u8, or symmetric s16.</summary>
    private Value Quantized(int channels, int height, int width, ActivationQuantization q)
    {
        var value = new Value(channels, height, width, format: IsInt16 ? ValueFormat.Int16ChannelLast : ValueFormat.UInt8ChannelLast);
        _quantization[value] = q;
        return value;
    }

    private void Add(Layer layer)
    {
        _layers.Add(layer);
        if (layer.Output is { } output)
            _producers[output] = layer;
    }

    /// <summary>A padded int8 convolution reads its u8 input's halo, which the producer fills with the zero point on every run.</summary>
    private void RequireHalo(Value input, int padding)
    {
        if (padding == 0 || padding <= input.Root.Halo)
            return;
        if (input.Root != input)
            throw new NotSupportedException("A padded int8 convolution reads a value written in place over another, whose halo holds the other's zero point.");
        if (!_producers.TryGetValue(input.Root, out var producer) || producer is not IFillsQuantizedHalo)
            throw new NotSupportedException($"A padded int8 convolution reads a value made by {producer?.Describe() ?? "nothing"}, which fills no halo.");
        input.Root.Halo = padding;
    }

    /// <summary>As the float plan: a convolution whose float residual nothing else reads writes its sum over it.</summary>
    private void WriteDeadResidualsInPlace()
    {
        var sums = _layers.Select(l => l switch
        {
            Int8ConvLayer q => (q.Residual, q.Output),
            Int16ConvLayer q => (q.Residual, q.Output),
            ConvLayer f => (f.Residual, f.Output),
            _ => ((Value?)null, (Value?)null),
        }).Where(p => p.Item2 is { Format: ValueFormat.Float } && p.Item1 is { Format: ValueFormat.Float }).Select(p => (p.Item1, p.Item2!));
        foreach (var (residual, sum) in DeadResiduals.Candidates(_layers, sums))
        {
            if (sum.Root == sum && residual.Halo == 0 && sum.Halo == 0)
                sum.AliasOf = residual;
        }
    }
}

using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Topology;

namespace HourglassSimd.Graph;

/// <summary>
/// Turns a walk of <see cref="HourglassTopology"/> into the layers of a quantized (int8) plan: the float image is
/// imported and quantized once, every convolution runs on u8 maps with s8 weights (<see cref="Int8ConvLayer"/>), a
/// pre-activation batch norm + ReLU gets a layer of its own, pooling and upsample-add stay in u8, and each heatmap head
/// also writes its accumulators dequantized to float for the output. The float plan's builder is
/// <see cref="HourglassGraphBuilder"/>; this one shares its arena placement (<see cref="ExecutionPlan"/>).
/// </summary>
internal sealed class QuantizedGraphBuilder : IHourglassVisitor<Value>
{
    private readonly HourglassArchitecture _arch;
    private readonly HourglassWeights _folded;
    private readonly QuantizedModel _model;
    private readonly Int8KernelPath _path;
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<Value, Layer> _producers = [];
    private readonly Dictionary<Value, ActivationQuantization> _quantization = [];
    private readonly List<ActivationProbe> _probes = [];

    private QuantizedGraphBuilder(HourglassArchitecture arch, HourglassWeights folded, QuantizedModel model, Int8KernelPath path)
    {
        (_arch, _folded, _model, _path) = (arch, folded, model, path);
    }

    /// <summary>The quantized plan for the input size of <paramref name="arch"/>.</summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, HourglassWeights folded, QuantizedModel model, Int8KernelPath path)
    {
        if (arch.Block != ResidualBlock.Bottleneck)
            throw new NotSupportedException("Quantized plans run bottleneck residual blocks only; the int8 engine has no depthwise kernel.");
        var builder = new QuantizedGraphBuilder(arch, folded, model, path);
        HourglassTopology.Walk(arch, builder);
        builder.WriteDeadResidualsInPlace();
        return new ExecutionPlan(builder._layers, packChannels: true, builder._probes);
    }

    public Value Image(int channels)
    {
        var image = new Value(channels, _arch.InputHeight, _arch.InputWidth, plain: true);
        Add(new ImportImageLayer(image));
        var q = _model.Activation(ActivationNames.Image);
        var quantized = Bytes(channels, _arch.InputHeight, _arch.InputWidth, q);
        Add(new QuantizeImageLayer(image, quantized, q));
        Probe(ActivationNames.Image, quantized);
        return quantized;
    }

    public Value Convolution(ConvStep step, Value input, Value? residual)
    {
        if (step.Groups != 1)
            throw new NotSupportedException($"'{step.Name}' is a grouped convolution; the int8 engine runs full convolutions only.");
        if (step.Prologue is { } prologue)
        {
            var inQ = _quantization[input];
            var outQ = _model.Activation(ActivationNames.Of(prologue));
            var activated = Bytes(input.Channels, input.Height, input.Width, outQ);
            Add(new QuantizedPreActivationLayer(input, activated, _folded.Get(prologue.Name + ".scale").Data, _folded.Get(prologue.Name + ".shift").Data, inQ, outQ));
            Probe(ActivationNames.Of(prologue), activated);
            input = activated;
        }
        RequireHalo(input, step.Padding);
        var q = _model.Activation(ActivationNames.Of(step));
        var output = Bytes(step.OutChannels, step.OutputSize(input.Height), step.OutputSize(input.Width), q);
        var packed = _model.Packed(step.Name, _folded.Get(step.Name + ".bias").Data, step.InChannels, step.KernelSize, step.Stride, step.Padding,
            _quantization[input], q, step.Relu);
        Add(new Int8ConvLayer(input, output, residual, residual is null ? default : _quantization[residual], packed, _path));
        Probe(ActivationNames.Of(step), output);
        return output;
    }

    public Value MaxPool(string name, Value input)
    {
        var q = _quantization[input]; // max pooling commutes with a monotonic quantization
        var pooled = Bytes(input.Channels, input.Height / 2, input.Width / 2, q);
        Add(new QuantizedMaxPoolLayer(input, pooled, q.ZeroPoint));
        return pooled;
    }

    public Value UpsampleAdd(string name, Value low, Value skip)
    {
        var q = _model.Activation(ActivationNames.OfUpsampleAdd(name));
        var sum = new Value(skip.Channels, skip.Height, skip.Width, aliasOf: skip, format: ValueFormat.UInt8ChannelLast);
        _quantization[sum] = q;
        Add(new QuantizedUpsampleAddLayer(low, skip, sum, _quantization[low], _quantization[skip], q));
        Probe(ActivationNames.OfUpsampleAdd(name), sum);
        return sum;
    }

    /// <summary>The head that made <paramref name="heatmaps"/> also writes them dequantized, and that float map is exported.</summary>
    public void Heatmaps(int stack, Value heatmaps)
    {
        if (!_producers.TryGetValue(heatmaps, out var producer) || producer is not Int8ConvLayer head)
            throw new InvalidOperationException("A quantized plan's heatmaps must come straight from a convolution.");
        var floats = new Value(heatmaps.Channels, heatmaps.Height, heatmaps.Width, format: ValueFormat.FloatChannelLast);
        head.FloatOutput = floats;
        _layers.Add(new ExportQuantizedHeatmapsLayer(floats, stack));
    }

    /// <summary>Records that the layer just added writes the activation <paramref name="name"/>.</summary>
    private void Probe(string name, Value value) => _probes.Add(new ActivationProbe(_layers.Count - 1, name, value, _quantization[value]));

    private Value Bytes(int channels, int height, int width, ActivationQuantization q)
    {
        var value = new Value(channels, height, width, format: ValueFormat.UInt8ChannelLast);
        _quantization[value] = q;
        return value;
    }

    private void Add(Layer layer)
    {
        _layers.Add(layer);
        if (layer.Output is { } output)
            _producers[output] = layer;
    }

    /// <summary>A padded convolution reads its input's halo, which the producer fills with the zero point on every run.</summary>
    private void RequireHalo(Value input, int padding)
    {
        if (padding == 0 || padding <= input.Root.Halo)
            return;
        if (input.Root != input)
            throw new NotSupportedException("A padded int8 convolution reads a value written in place over another, whose halo holds the other's zero point.");
        if (!_producers.TryGetValue(input.Root, out var producer) || producer is not (QuantizeImageLayer or Int8ConvLayer or QuantizedPreActivationLayer or QuantizedMaxPoolLayer))
            throw new NotSupportedException($"A padded int8 convolution reads a value made by {producer?.Describe() ?? "nothing"}, which fills no halo.");
        input.Root.Halo = padding;
    }

    /// <summary>As the float plan: a convolution whose residual nothing else reads writes its sum over it.</summary>
    private void WriteDeadResidualsInPlace()
    {
        // Not where a halo is read: the residual's producer fills it with the residual's zero point, not the sum's.
        foreach (var (residual, sum) in DeadResiduals.Candidates(_layers, _layers.OfType<Int8ConvLayer>().Select(l => (l.Residual, l.Output))))
        {
            if (sum.Root == sum && residual.Halo == 0 && sum.Halo == 0)
                sum.AliasOf = residual;
        }
    }
}

using HourglassSimd.Kernels;
using HourglassSimd.Topology;

namespace HourglassSimd.Graph;

/// <summary>
/// Turns a walk of <see cref="HourglassTopology"/> into the ordered layers of a plan for one input size and kernel
/// path: each <see cref="ConvStep"/> becomes a fused <see cref="ConvLayer"/> (prologue BN + ReLU, bias, residual add,
/// ReLU in one pass) or, for 3x3 layers where it pays, a Winograd layer. The path's <see cref="LayerFactory"/>, taken
/// once, makes every layer for that path. Afterwards a convolution whose residual is read by nothing else is written
/// in place over it.
/// </summary>
internal sealed class HourglassGraphBuilder : IHourglassVisitor<Value>
{
    private readonly HourglassArchitecture _arch;
    private readonly PackedWeights _weights;
    private readonly LayerFactory _factory;
    private readonly HourglassOptions _options;
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<Value, Layer> _producers = [];

    private HourglassGraphBuilder(HourglassArchitecture arch, PackedWeights weights, HourglassOptions options)
    {
        _arch = arch;
        _weights = weights;
        _factory = LayerFactory.For(weights.Isa);
        _options = options;
    }

    /// <summary>
    /// Builds the plan for the input size of <paramref name="arch"/>, reusing (or adding) the packed weights that
    /// plans of other sizes share.
    /// </summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, PackedWeights weights, HourglassOptions options)
    {
        var builder = new HourglassGraphBuilder(arch, weights, options);
        HourglassTopology.Walk(arch, builder);
        builder.WriteDeadResidualsInPlace();
        return new ExecutionPlan(builder._layers, builder._factory.PacksChannels);
    }

    /// <summary>Builds the plan from folded weights (<see cref="HourglassWeights.Fold"/>) validated against the architecture.</summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, HourglassWeights weights, KernelIsa isa, HourglassOptions options) =>
        Build(arch, new PackedWeights(weights, isa), options);

    public Value Image(int channels)
    {
        var image = new Value(channels, _arch.InputHeight, _arch.InputWidth, plain: true);
        Add(new ImportImageLayer(image));
        return image;
    }

    public Value Convolution(ConvStep step, Value input, Value? residual)
    {
        var conv = _weights.Conv(step.Name, step.Stride, step.Padding);
        if (step.Groups != 1)
            return Depthwise(step, conv, input, residual);
        if (conv.InChannels != step.InChannels || conv.OutChannels != step.OutChannels || conv.KernelSize != step.KernelSize)
            throw new InvalidOperationException($"The folded tensor '{step.Name}.weight' does not have the shape the topology gives.");
        RequireHalo(input, step.Padding);
        var output = new Value(step.OutChannels, step.OutputSize(input.Height), step.OutputSize(input.Width));
        if (UseWinograd(step, input, residual))
        {
            Add(_factory.Winograd(input, output, _weights, step.Name, conv));
            return output;
        }
        (float[], float[])? prologue = step.Prologue is { } p
            ? (_weights.Folded.Get(p.Name + ".scale").Data, _weights.Folded.Get(p.Name + ".shift").Data)
            : null;
        Add(_factory.Convolution(input, output, residual, _weights, step.Name, conv, prologue, step.Relu));
        return output;
    }

    /// <summary>The depthwise 3x3 stride-1 pad-1 convolution, the one grouped convolution the engine has a kernel for.</summary>
    private Value Depthwise(ConvStep step, ConvParameters conv, Value input, Value? residual)
    {
        if (!step.IsDepthwise || step is not { KernelSize: 3, Stride: 1, Padding: 1, Prologue: null })
            throw new NotSupportedException($"'{step.Name}' is a grouped convolution ({step.Groups} groups, {step.KernelSize}x{step.KernelSize}, stride {step.Stride}); " +
                "the engine runs only depthwise 3x3 stride-1 pad-1 ones without a prologue.");
        if (conv.OutChannels != step.OutChannels || conv.InChannels != 1 || conv.KernelSize != 3)
            throw new InvalidOperationException($"The folded tensor '{step.Name}.weight' does not have the shape the topology gives.");
        RequireHalo(input, step.Padding);
        var output = new Value(step.OutChannels, input.Height, input.Width);
        Add(_factory.Depthwise(input, output, residual, _weights, step.Name, conv, step.Relu));
        return output;
    }

    public Value MaxPool(string name, Value input)
    {
        var pooled = new Value(input.Channels, input.Height / 2, input.Width / 2);
        Add(_factory.MaxPool(input, pooled));
        return pooled;
    }

    /// <summary>The sum is written over <paramref name="skip"/>, which nothing reads afterwards.</summary>
    public Value UpsampleAdd(string name, Value low, Value skip)
    {
        var sum = new Value(skip.Channels, skip.Height, skip.Width, aliasOf: skip);
        Add(_factory.UpsampleAdd(low, skip, sum));
        return sum;
    }

    public void Heatmaps(int stack, Value heatmaps) => _layers.Add(new ExportHeatmapsLayer(heatmaps, stack));

    private void Add(Layer layer)
    {
        _layers.Add(layer);
        if (layer.Output is { } output)
            _producers[output] = layer;
    }

    /// <summary>
    /// Winograd F(4x4, 3x3) on 3x3 stride-1 layers with a ReLU and nothing else fused, on maps large enough and with
    /// channels enough to repay the transforms (paths that have it, <see cref="ConvolutionMode.Fastest"/>).
    /// </summary>
    private bool UseWinograd(ConvStep step, Value input, Value? residual) =>
        _factory.HasWinograd && _options.Convolution == ConvolutionMode.Fastest
        && step is { KernelSize: 3, Stride: 1, Padding: 1, Relu: true, Prologue: null } && residual is null
        && Math.Min(step.InChannels, step.OutChannels) >= _options.WinogradMinimumChannels
        && Math.Min(input.Height, input.Width) >= _options.WinogradMinimumSize && PackedWinogradConv.Fits(input.Height, input.Width);

    /// <summary>
    /// A padded convolution reads its input's zero border (the halo) instead of testing for edges. Only the image
    /// import and direct convolutions write (and clear) halos, so only their outputs can have one.
    /// </summary>
    private void RequireHalo(Value input, int padding)
    {
        if (padding == 0 || padding <= input.Root.Halo)
            return;
        if (!_producers.TryGetValue(input.Root, out var producer) || producer is not (ImportImageLayer or ConvLayer))
            throw new NotSupportedException($"A padded convolution reads a value made by {producer?.Describe() ?? "nothing"}, which writes no zero border.");
        input.Root.Halo = padding;
    }

    /// <summary>
    /// A convolution whose residual is read by nothing else writes its sum over the residual (the shortcut
    /// projection, the merged features): one buffer instead of two. The residual must be a root of the same shape.
    /// </summary>
    private void WriteDeadResidualsInPlace()
    {
        foreach (var (residual, sum) in DeadResiduals.Candidates(_layers, _layers.OfType<ConvLayer>().Select(l => (l.Residual, l.Output))))
        {
            residual.Halo = Math.Max(residual.Halo, sum.Halo);
            sum.AliasOf = residual;
        }
    }
}

using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// Turns an architecture and its folded weights into the ordered layers of hourglass-spec §1, fusing each residual
/// module's opening BN + ReLU into its first 1x1 convolution.
/// </summary>
internal sealed class HourglassGraphBuilder
{
    private readonly HourglassArchitecture _arch;
    private readonly PackedWeights _weights;
    private readonly KernelIsa _isa;
    private readonly HourglassOptions _options;
    private readonly List<Layer> _layers = [];

    private HourglassGraphBuilder(HourglassArchitecture arch, PackedWeights weights, HourglassOptions options)
    {
        _arch = arch;
        _weights = weights;
        _isa = weights.Isa;
        _options = options;
    }

    /// <summary>
    /// Builds the plan for the input size of <paramref name="arch"/>, reusing (or adding) the packed weights that
    /// plans of other sizes share.
    /// </summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, PackedWeights weights, HourglassOptions options)
    {
        var builder = new HourglassGraphBuilder(arch, weights, options);
        builder.BuildNetwork();
        return new ExecutionPlan(builder._layers, weights.Isa);
    }

    /// <summary>Builds the plan from folded weights (<see cref="HourglassWeights.Fold"/>) validated against the architecture.</summary>
    public static ExecutionPlan Build(HourglassArchitecture arch, HourglassWeights weights, KernelIsa isa, HourglassOptions options) =>
        Build(arch, new PackedWeights(weights, isa), options);

    private void BuildNetwork()
    {
        var image = new Value(_arch.InputChannels, _arch.InputHeight, _arch.InputWidth, halo: 3, plain: true);
        _layers.Add(new ImportImageLayer(image));

        // Stem (§1.3, "lua" variant): 7x7/2 conv + BN + ReLU, Res(64→128), pool, Res(128→128), Res(128→F).
        var x = Conv("pre.0.conv", image, stride: 2, pad: 3, relu: true);
        x = Residual("pre.1", x, WeightLayout.StemWidth);
        x = MaxPool(x);
        x = Residual("pre.3", x, WeightLayout.StemWidth);
        x = Residual("pre.4", x, _arch.Features);

        // Stacks (§1.5).
        for (int s = 0; s < _arch.Stacks; s++)
        {
            var h = Hourglass($"hgs.{s}.0", HourglassArchitecture.HourglassDepth, x);
            var f = Residual($"features.{s}.0", h, _arch.Features);
            f = Conv($"features.{s}.1.conv", f, relu: true);
            var heat = Conv($"outs.{s}.conv", f);
            _layers.Add(new ExportHeatmapsLayer(heat, s));
            if (s < _arch.Stacks - 1)
            {
                var merged = Conv($"merge_features.{s}.conv.conv", f, residual: x);
                x = Conv($"merge_preds.{s}.conv.conv", heat, residual: merged, inPlace: true);
            }
        }
    }

    /// <summary>H(n) of §1.4: upper branch + nearest-2x(lower branch), the sum written over the upper branch.</summary>
    private Value Hourglass(string prefix, int depth, Value x)
    {
        var upper = Residual(prefix + ".up1", x, _arch.Features);
        var low1 = Residual(prefix + ".low1", MaxPool(x), _arch.Features);
        var low2 = depth > 1 ? Hourglass(prefix + ".low2", depth - 1, low1) : Residual(prefix + ".low2", low1, _arch.Features);
        var low3 = Residual(prefix + ".low3", low2, _arch.Features);
        var sum = new Value(upper.Channels, upper.Height, upper.Width, aliasOf: upper);
        _layers.Add(new UpsampleAddLayer(low3, upper, sum, _isa));
        return sum;
    }

    /// <summary>
    /// Res(a→b) of §1.2 as three (or four) convolutions:
    /// t1 = ReLU(BN2(conv1(ReLU(BN1(x))))) with BN1+ReLU as the conv's prologue and BN2 folded, written with a
    /// 1-pixel halo for the 3x3; t2 = ReLU(BN3(conv2(t1))); y = conv3(t2) + shortcut, where the shortcut is x itself
    /// or, when a ≠ b, a 1x1 projection computed first into y's buffer.
    /// </summary>
    private Value Residual(string prefix, Value x, int outChannels)
    {
        var prologue = (Tensor(prefix + ".bn1.scale"), Tensor(prefix + ".bn1.shift"));
        var t1 = Conv(prefix + ".conv1.conv", x, relu: true, prologue: prologue, outHalo: 1);
        var t2 = UseWinograd(t1) ? Winograd(prefix + ".conv2.conv", t1) : Conv(prefix + ".conv2.conv", t1, pad: 1, relu: true);
        if (x.Channels != outChannels)
        {
            var shortcut = Conv(prefix + ".skip_layer.conv", x);
            return Conv(prefix + ".conv3.conv", t2, residual: shortcut, inPlace: true);
        }
        return Conv(prefix + ".conv3.conv", t2, residual: x);
    }

    private bool UseWinograd(Value input) =>
        _isa != KernelIsa.Scalar && _options.Convolution == ConvolutionMode.Fastest
        && Math.Min(input.Height, input.Width) >= _options.WinogradMinimumSize && PackedWinogradConv.Fits(input.Height, input.Width);

    /// <summary>A 3x3 stride-1 pad-1 convolution + ReLU by Winograd F(4x4, 3x3).</summary>
    private Value Winograd(string prefix, Value input)
    {
        var conv = _weights.Conv(prefix, stride: 1, pad: 1);
        var output = new Value(conv.OutChannels, input.Height, input.Width);
        _layers.Add(new WinogradConvLayer(input, output, _weights.Winograd(prefix, conv, relu: true), _isa));
        return output;
    }

    private Value MaxPool(Value x)
    {
        var pooled = new Value(x.Channels, x.Height / 2, x.Width / 2);
        _layers.Add(new MaxPoolLayer(x, pooled, _isa));
        return pooled;
    }

    private Value Conv(string prefix, Value input, int stride = 1, int pad = 0, bool relu = false,
        (float[], float[])? prologue = null, Value? residual = null, bool inPlace = false, int outHalo = 0)
    {
        var conv = _weights.Conv(prefix, stride, pad);
        var output = new Value(conv.OutChannels, conv.OutSize(input.Height), conv.OutSize(input.Width), outHalo, aliasOf: inPlace ? residual : null);
        var packed = _isa == KernelIsa.Scalar ? null : _weights.Direct(prefix, conv, prologue, relu);
        _layers.Add(new ConvLayer(input, output, residual, conv, packed, prologue, relu, _isa));
        return output;
    }

    private float[] Tensor(string name) => _weights.Folded.Get(name).Data;
}

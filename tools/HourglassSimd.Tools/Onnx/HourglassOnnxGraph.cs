namespace HourglassSimd.Tools.Onnx;

/// <summary>
/// Writes the folded Stacked Hourglass (hourglass-spec §1) as ONNX nodes, wired exactly as the engine's
/// <c>HourglassGraphBuilder</c> wires it. Node names follow the weight prefixes (<c>hgs.0.0.up1.conv2.conv</c>),
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
internal sealed class HourglassOnnxGraph
{
    /// <summary>Width of the stem residual modules before the last one widens to the feature count (§1.3).</summary>
    private const int StemWidth = 128;

    private const string ResizeScales = "upsample.scales";
    private const string UnsqueezeAxes = "unsqueeze.axes";

    private readonly HourglassArchitecture _arch;
    private readonly HourglassWeights _weights;
    private readonly OnnxExportOptions _options;
    private readonly OnnxGraphBuilder _graph = new();
    private readonly HashSet<string> _sharedConstants = new(StringComparer.Ordinal);

    private HourglassOnnxGraph(HourglassArchitecture arch, HourglassWeights foldedWeights, OnnxExportOptions options)
    {
        _arch = arch;
        _weights = foldedWeights;
        _options = options;
    }

    /// <summary>Builds the graph; <paramref name="weights"/> are validated against the architecture and folded first.</summary>
    public static OnnxGraphBuilder Build(HourglassArchitecture arch, HourglassWeights weights, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Batch is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Batch, "A fixed batch size must be at least 1.");
        var builder = new HourglassOnnxGraph(arch, weights.Fold(arch), options);
        builder.BuildNetwork();
        return builder._graph;
    }

    private void BuildNetwork()
    {
        var batch = _options.Batch is { } fixedBatch ? OnnxDim.Fixed(fixedBatch) : OnnxDim.Symbolic(HourglassOnnxExporter.BatchDimension);
        var (height, width, heatmapHeight, heatmapWidth) = _options.DynamicSize
            ? (OnnxDim.Symbolic(HourglassOnnxExporter.HeightDimension), OnnxDim.Symbolic(HourglassOnnxExporter.WidthDimension),
               OnnxDim.Symbolic(HourglassOnnxExporter.HeightDimension + "/4"), OnnxDim.Symbolic(HourglassOnnxExporter.WidthDimension + "/4"))
            : (OnnxDim.Fixed(_arch.InputHeight), OnnxDim.Fixed(_arch.InputWidth), OnnxDim.Fixed(_arch.OutputHeight), OnnxDim.Fixed(_arch.OutputWidth));
        string image = _graph.AddInput(HourglassOnnxExporter.InputName, batch, _arch.InputChannels, height, width);
        _graph.AddInitializer(ResizeScales, [4], [1f, 1f, 2f, 2f]);
        _graph.AddInt64Initializer(UnsqueezeAxes, [1], [1L]);

        // Stem (§1.3, "lua" variant): 7x7/2 conv + BN (folded) + ReLU, Res(64→128), pool, Res(128→128), Res(128→F).
        string x = Relu("pre.0.relu", Conv("pre.0.conv", image, stride: 2, pad: 3));
        x = Residual("pre.1", x, StemWidth);
        x = MaxPool("pre.2.pool", x);
        x = Residual("pre.3", x, StemWidth);
        x = Residual("pre.4", x, _arch.Features);

        // Stacks (§1.5).
        var heats = new List<string>();
        for (int s = 0; s < _arch.Stacks; s++)
        {
            string h = Hourglass($"hgs.{s}.0", HourglassArchitecture.HourglassDepth, x);
            string f = Residual($"features.{s}.0", h, _arch.Features);
            f = Relu($"features.{s}.1.relu", Conv($"features.{s}.1.conv", f));
            string heat = Conv($"outs.{s}.conv", f);
            heats.Add(heat);
            if (s < _arch.Stacks - 1)
            {
                string merged = _graph.AddNode("Add", $"merge.{s}.features.add", [x, Conv($"merge_features.{s}.conv.conv", f)]);
                x = _graph.AddNode("Add", $"merge.{s}.preds.add", [merged, Conv($"merge_preds.{s}.conv.conv", heat)]);
            }
        }

        // [N, J, h, w] per stack → [N, 1, J, h, w] → concatenated on axis 1 to [N, S, J, h, w].
        var stacked = heats.Select((heat, s) => _graph.AddNode("Unsqueeze",
            _arch.Stacks == 1 ? HourglassOnnxExporter.OutputName : $"outs.{s}.unsqueeze", [heat, UnsqueezeAxes])).ToList();
        if (_arch.Stacks > 1)
            _graph.AddNode("Concat", HourglassOnnxExporter.OutputName, stacked, OnnxAttribute.Int("axis", 1));
        _graph.AddOutput(HourglassOnnxExporter.OutputName, batch, _arch.Stacks, _arch.Joints, heatmapHeight, heatmapWidth);
    }

    /// <summary>H(n) of §1.4: upper branch + nearest-2x(lower branch).</summary>
    private string Hourglass(string prefix, int depth, string x)
    {
        string upper = Residual(prefix + ".up1", x, _arch.Features);
        string low1 = Residual(prefix + ".low1", MaxPool(prefix + ".pool", x), _arch.Features);
        string low2 = depth > 1 ? Hourglass(prefix + ".low2", depth - 1, low1) : Residual(prefix + ".low2", low1, _arch.Features);
        string low3 = Residual(prefix + ".low3", low2, _arch.Features);
        // Resize-13 inputs: X, roi (omitted), scales. Asymmetric + floor copies each low-res pixel to a 2x2 block.
        string up = _graph.AddNode("Resize", prefix + ".upsample", [low3, "", ResizeScales],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));
        return _graph.AddNode("Add", prefix + ".add", [upper, up]);
    }

    /// <summary>
    /// Res(a→b) of §1.2 in folded form: relu(scale·x + shift) → conv1 1x1 + ReLU → conv2 3x3 + ReLU → conv3 1x1,
    /// plus the shortcut (x itself, or a 1x1 projection when a ≠ b).
    /// </summary>
    private string Residual(string prefix, string x, int outChannels)
    {
        int inChannels = Tensor(prefix + ".bn1.scale").Shape[0];
        string mean = SharedConstant($"preact.mean.zeros.{inChannels}", inChannels, 0f);
        string variance = SharedConstant($"preact.var.ones.{inChannels}", inChannels, 1f);
        string bn = _graph.AddNode("BatchNormalization", prefix + ".bn1",
            [x, Initializer(prefix + ".bn1.scale"), Initializer(prefix + ".bn1.shift"), mean, variance],
            OnnxAttribute.Float("epsilon", 0f));
        string t = Relu(prefix + ".bn1.relu", bn);
        t = Relu(prefix + ".conv1.relu", Conv(prefix + ".conv1.conv", t));
        t = Relu(prefix + ".conv2.relu", Conv(prefix + ".conv2.conv", t, pad: 1));
        string main = Conv(prefix + ".conv3.conv", t);
        string shortcut = inChannels != outChannels ? Conv(prefix + ".skip_layer.conv", x) : x;
        return _graph.AddNode("Add", prefix + ".add", [main, shortcut]);
    }

    private string Conv(string prefix, string input, int stride = 1, int pad = 0)
    {
        int kernel = Tensor(prefix + ".weight").Shape[2];
        return _graph.AddNode("Conv", prefix, [input, Initializer(prefix + ".weight"), Initializer(prefix + ".bias")],
            OnnxAttribute.Ints("kernel_shape", kernel, kernel),
            OnnxAttribute.Ints("pads", pad, pad, pad, pad),
            OnnxAttribute.Ints("strides", stride, stride),
            OnnxAttribute.Ints("dilations", 1, 1),
            OnnxAttribute.Int("group", 1));
    }

    private string MaxPool(string name, string input) =>
        _graph.AddNode("MaxPool", name, [input], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));

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

namespace HourglassSimd.Topology;

/// <summary>
/// The Stacked Hourglass network of hourglass-spec §1, written once: the "lua" stem, hourglasses (depth 4 in the paper) of
/// pre-activation bottleneck residuals, and per stack a residual, a linear layer, the heatmap convolution and the two
/// merge convolutions. Tensor names follow the reference PyTorch checkpoints (§1.8). The engine's plan, the weight
/// layout, the ONNX export and the MAC count are all built by walking it.
/// </summary>
public static class HourglassTopology
{
    /// <summary>Width of the stem residual modules before the last one widens to the feature count.</summary>
    public const int StemWidth = 128;

    /// <summary>Calls <paramref name="visitor"/> for every operation of <paramref name="architecture"/>, in execution order.</summary>
    public static void Walk<T>(HourglassArchitecture architecture, IHourglassVisitor<T> visitor) where T : class
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(visitor);
        var walker = new Walker<T>(architecture, visitor);
        walker.Network();
        if (architecture.Widths?.Keys.FirstOrDefault(prefix => !walker.Residuals.Any(r => r.Prefix == prefix)) is { } unknown)
            throw new ArgumentException($"The residual widths name '{unknown}', which is not a residual module of this network ({architecture}).", nameof(architecture));
    }

    /// <summary>The residual modules of <paramref name="architecture"/> in execution order (what pruning and the converter's width inference visit).</summary>
    public static IReadOnlyList<ResidualModule> ResidualModules(HourglassArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var walker = new Walker<object>(architecture, new NullVisitor());
        walker.Network();
        return walker.Residuals;
    }

    /// <summary>A visitor that builds nothing (for walks that only need the walker's own records).</summary>
    private sealed class NullVisitor : IHourglassVisitor<object>
    {
        private static readonly object Tensor = new();

        public object Image(int channels) => Tensor;

        public object Convolution(ConvStep step, object input, object? residual) => Tensor;

        public object MaxPool(string name, object input) => Tensor;

        public object UpsampleAdd(string name, object low, object skip) => Tensor;

        public void Heatmaps(int stack, object heatmaps)
        {
        }
    }

    private sealed class Walker<T>(HourglassArchitecture arch, IHourglassVisitor<T> v) where T : class
    {
        /// <summary>The residual modules walked, in order.</summary>
        public List<ResidualModule> Residuals { get; } = [];

        public void Network()
        {
            var image = v.Image(arch.InputChannels);

            // Stem (§1.3): 7x7/2 conv + BN + ReLU, Res(64→128), pool, Res(128→128), Res(128→F); a pruned stem conv has fewer than 64 outputs.
            int stem = arch.StemChannels;
            var x = v.Convolution(new ConvStep("pre.0.conv", arch.InputChannels, stem, 7, Stride: 2, Padding: 3, BatchNorm: "pre.0.bn", Relu: true), image, null);
            x = Residual("pre.1", x, stem, StemWidth);
            x = v.MaxPool("pre.2.pool", x);
            x = Residual("pre.3", x, StemWidth, StemWidth);
            x = Residual("pre.4", x, StemWidth, arch.Features);

            // Stacks (§1.5).
            int f = arch.Features, j = arch.Joints;
            for (int s = 0; s < arch.Stacks; s++)
            {
                var h = Hourglass($"hgs.{s}.0", arch.Depth, x);
                var features = Residual($"features.{s}.0", h, f, f);
                features = v.Convolution(new ConvStep($"features.{s}.1.conv", f, f, 1, BatchNorm: $"features.{s}.1.bn", Relu: true), features, null);
                var heatmaps = v.Convolution(new ConvStep($"outs.{s}.conv", f, j, 1), features, null);
                v.Heatmaps(s, heatmaps);
                if (s < arch.Stacks - 1)
                {
                    var merged = v.Convolution(new ConvStep($"merge_features.{s}.conv.conv", f, f, 1, SumName: $"merge.{s}.features.add"), features, x);
                    x = v.Convolution(new ConvStep($"merge_preds.{s}.conv.conv", j, f, 1, SumName: $"merge.{s}.preds.add"), heatmaps, merged);
                }
            }
        }

        /// <summary>H(n) of §1.4: upper branch + nearest-2x(lower branch).</summary>
        private T Hourglass(string prefix, int depth, T x)
        {
            var upper = Box(prefix + ".up1", x);
            var low1 = Box(prefix + ".low1", v.MaxPool(prefix + ".pool", x));
            var low2 = depth > 1 ? Hourglass(prefix + ".low2", depth - 1, low1) : Box(prefix + ".low2", low1);
            var low3 = Box(prefix + ".low3", low2);
            return v.UpsampleAdd(prefix, low3, upper);
        }

        /// <summary>One box of an hourglass: <see cref="HourglassArchitecture.ModulesPerLevel"/> F→F residuals in a row, named <c>name</c> alone or <c>name.0</c>, <c>name.1</c>, ...</summary>
        private T Box(string name, T x)
        {
            int f = arch.Features, n = arch.ModulesPerLevel;
            if (n == 1)
                return Residual(name, x, f, f);
            for (int i = 0; i < n; i++)
                x = Residual($"{name}.{i}", x, f, f);
            return x;
        }

        /// <summary>
        /// Res(a→b) of §1.2, the pre-activation bottleneck: conv1 1x1 (a→b/2) on relu(bn1(x)), + BN + ReLU; conv2 3x3
        /// (b/2→b/2) + BN + ReLU; conv3 1x1 (b/2→b) + shortcut, the shortcut being x itself or, when a ≠ b, a 1x1
        /// projection of x. With <see cref="ResidualBlock.Depthwise"/> blocks conv2 is depthwise (groups = b/2). A module
        /// listed in <see cref="HourglassArchitecture.Widths"/> has that inner width instead of b/2.
        /// </summary>
        private T Residual(string prefix, T x, int inChannels, int outChannels)
        {
            int mid = arch.Widths?.Of(prefix, outChannels) ?? outChannels / 2;
            Residuals.Add(new ResidualModule(prefix, inChannels, mid, outChannels));
            var t = v.Convolution(new ConvStep(prefix + ".conv1.conv", inChannels, mid, 1, BatchNorm: prefix + ".bn2",
                Prologue: new PreActivation(prefix + ".bn1", inChannels), Relu: true), x, null);
            t = v.Convolution(new ConvStep(prefix + ".conv2.conv", mid, mid, 3, Padding: 1, BatchNorm: prefix + ".bn3", Relu: true,
                Groups: arch.Block == ResidualBlock.Depthwise ? mid : 1), t, null);
            var shortcut = inChannels != outChannels
                ? v.Convolution(new ConvStep(prefix + ".skip_layer.conv", inChannels, outChannels, 1), x, null)
                : x;
            return v.Convolution(new ConvStep(prefix + ".conv3.conv", mid, outChannels, 1, SumName: prefix + ".add"), t, shortcut);
        }
    }
}

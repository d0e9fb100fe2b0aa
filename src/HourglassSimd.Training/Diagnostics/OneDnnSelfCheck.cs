using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// Localizes a wrong CPU kernel: runs every operation (and shape) a tiny PoseNet trains with, forward and backward, in
/// float32 on libtorch's default path and threads, and compares with the same computation in float64.
/// </summary>
/// <remarks>
/// With <c>HOURGLASS_LIBTORCH_ONEDNN=on</c> (<see cref="LibTorchOneDnn"/>), libtorch sends float32 convolutions to oneDNN
/// (with more than one thread even the 1x1 ones), and float64 ones to its own reference kernels, which oneDNN does not
/// implement; so a large float32-vs-float64 difference on a convolution points at oneDNN. By default oneDNN is off and
/// both precisions run libtorch's own kernels. The errors are max|float32 − float64| / max|float64| over the output (forward) and over all the
/// inputs' and parameters' gradients taken as one vector (backward). The last rows do the same for one whole training
/// step of each network: the loss, and the gradients of all parameters.
/// The inputs are float32 values, so both precisions compute exactly the same problem. Re-seeds the global torch RNG.
/// </remarks>
public static class OneDnnSelfCheck
{
    /// <summary>Per operation: float32 rounding gives 1e-7 to 1e-5 here; a broken kernel gives O(1) or NaN.</summary>
    public const double DefaultTolerance = 1e-3;

    /// <summary>A whole step (about 60 layers, BatchNorm over few values near the bottom) amplifies rounding: 1e-3 to 5e-3 here.</summary>
    public const double DefaultNetworkTolerance = 5e-2;

    private const int StemChannels = 64;
    private const int StemResidualChannels = 128;

    public static SelfCheckReport Run(SelfCheckSettings? settings = null)
    {
        settings ??= new SelfCheckSettings();
        OneDnnIsaCap cap = OneDnnIsaCap.Apply();
        LibTorchOneDnn oneDnn = LibTorchOneDnn.Apply();
        var rows = new List<SelfCheckRow>();
        int index = 0;
        foreach (ProbeCase probe in Cases(settings))
        {
            double forward = 0, backward = 0;
            for (int repeat = 0; repeat < settings.Repeats; repeat++)
            {
                (double f, double b) = Compare(probe, settings, settings.Seed + (1000 * index) + repeat);
                forward = Worst(forward, f);
                backward = Worst(backward, b);
            }

            rows.Add(new SelfCheckRow(probe.Op, probe.Input, forward, backward, settings.Tolerance));
            index++;
        }

        foreach (int features in settings.Features)
        {
            var architecture = new PoseNetArchitecture(1, features, settings.Joints);
            double forward = 0, backward = 0;
            for (int repeat = 0; repeat < settings.Repeats; repeat++)
            {
                (double f, double b) = CompareTrainingStep(architecture, settings, settings.Seed + repeat);
                forward = Worst(forward, f);
                backward = Worst(backward, b);
            }

            rows.Add(new SelfCheckRow($"PoseNet 1x{features} training step", Shape(settings.NetworkBatchSize, 3, settings.InputSize, settings.InputSize),
                forward, backward, settings.NetworkTolerance));
        }

        return new SelfCheckReport(rows, get_num_threads(), oneDnn, cap, settings.Repeats);
    }

    /// <summary>Every distinct operation and input shape of the tiny networks' forward pass, in network order.</summary>
    internal static IReadOnlyList<ProbeCase> Cases(SelfCheckSettings settings)
    {
        var cases = new List<ProbeCase>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long n = settings.BatchSize;
        int r = settings.InputSize;

        void Add(ProbeCase probe)
        {
            if (seen.Add(probe.Op + " " + probe.Input))
            {
                cases.Add(probe);
            }
        }

        void Conv(long inC, long outC, int kernel, int stride, long side) => Add(new ProbeCase(
            $"conv {kernel}x{kernel}{(stride > 1 ? "/" + stride : "")} {inC}->{outC}",
            [[n, inC, side, side], [outC, inC, kernel, kernel], [outC]],
            x => nn.functional.conv2d(x[0], x[1], x[2], strides: [stride, stride], padding: [(kernel - 1) / 2, (kernel - 1) / 2])));

        void BatchNorm(long c, long side) => Add(new ProbeCase(
            $"batchnorm train {c}", [[n, c, side, side], [c], [c]],
            x => nn.functional.batch_norm(x[0], zeros(c, dtype: x[0].dtype), ones(c, dtype: x[0].dtype), x[1], x[2], training: true)));

        void Relu(long c, long side) => Add(new ProbeCase($"relu {c}", [[n, c, side, side]], x => nn.functional.relu(x[0])));

        void Residual(long inC, long outC, long side)
        {
            long mid = outC / 2;
            BatchNorm(inC, side);
            Relu(inC, side);
            Conv(inC, mid, 1, 1, side);
            BatchNorm(mid, side);
            Relu(mid, side);
            Conv(mid, mid, 3, 1, side);
            Conv(mid, outC, 1, 1, side);
            if (inC != outC)
            {
                Conv(inC, outC, 1, 1, side);
            }
        }

        foreach (int f in settings.Features)
        {
            // The stem (ConvLayer 7x7/2 + BN + ReLU, residuals, max pool), as in PoseNet.
            Conv(3, StemChannels, 7, 2, r);
            BatchNorm(StemChannels, r / 2);
            Relu(StemChannels, r / 2);
            Residual(StemChannels, StemResidualChannels, r / 2);
            Add(MaxPool(n, StemResidualChannels, r / 2));
            Residual(StemResidualChannels, StemResidualChannels, r / 4);
            Residual(StemResidualChannels, f, r / 4);

            // The hourglass: a residual at every level, max pool down, nearest upsample back.
            for (int side = r / 4; side >= r / 4 >> PoseNetArchitecture.DefaultDepth; side /= 2)
            {
                Residual(f, f, side);
                if (side > r / 4 >> PoseNetArchitecture.DefaultDepth)
                {
                    Add(MaxPool(n, f, side));
                    Add(new ProbeCase($"upsample nearest 2x {f}", [[n, f, side / 2, side / 2]],
                        x => nn.functional.interpolate(x[0], scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)));
                }
            }

            // The head: ConvLayer 1x1 + BN + ReLU, the heatmap 1x1 conv, the loss.
            Conv(f, f, 1, 1, r / 4);
            Conv(f, settings.Joints, 1, 1, r / 4);
        }

        long o = r / 4;
        Add(new ProbeCase($"mse loss", [[n, 1, settings.Joints, o, o], [n, settings.Joints, o, o]],
            x => StackedHeatmapLoss.Compute(x[0], x[1])));
        return cases;
    }

    private static ProbeCase MaxPool(long n, long c, long side) =>
        new($"max pool 2x2 {c}", [[n, c, side, side]], x => nn.functional.max_pool2d(x[0], 2, 2));

    private static (double Forward, double Backward) Compare(ProbeCase probe, SelfCheckSettings settings, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        Tensor[] single = probe.Shapes.Select(s => randn(s, float32, generator: generator).requires_grad_()).ToArray();
        Tensor[] reference = single.Select(t => t.detach().to(float64).requires_grad_()).ToArray();

        Tensor y = probe.Forward(single);
        Tensor yReference = probe.Forward(reference);
        Tensor upstream = randn(y.shape, float32, generator: generator);
        y.backward([upstream]);
        yReference.backward([upstream.to(float64)]);

        double forward = RelativeError([Perturbed(settings, probe.Op, "forward", y)], [yReference]);
        double backward = RelativeError(
            single.Select(t => Perturbed(settings, probe.Op, "backward", t.grad!)).ToArray(), reference.Select(t => t.grad!).ToArray());
        return (forward, backward);
    }

    private static (double Loss, double Gradients) CompareTrainingStep(PoseNetArchitecture architecture, SelfCheckSettings settings, int seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        using var single = new PoseNet(architecture);
        using var reference = new PoseNet(architecture);
        reference.load_state_dict(single.state_dict());
        reference.to(float64);
        single.train();
        reference.train();

        int side = settings.InputSize, output = PoseNetArchitecture.OutputSize(side);
        Tensor input = rand(settings.NetworkBatchSize, 3, side, side);
        Tensor target = rand(settings.NetworkBatchSize, architecture.Joints, output, output);
        Tensor loss = StackedHeatmapLoss.Compute(single.forward(input), target);
        Tensor lossReference = StackedHeatmapLoss.Compute(reference.forward(input.to(float64)), target.to(float64));
        loss.backward();
        lossReference.backward();

        string op = $"PoseNet 1x{architecture.Features} training step";
        double forward = RelativeError([Perturbed(settings, op, "forward", loss)], [lossReference]);
        Dictionary<string, Tensor> referenceParameters = reference.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        (string Name, Tensor Gradient)[] gradients = single.named_parameters().Select(p => (p.name, p.parameter.grad!)).ToArray();
        double backward = RelativeError(
            gradients.Select(g => Perturbed(settings, op, "backward", g.Gradient)).ToArray(),
            gradients.Select(g => referenceParameters[g.Name].grad!).ToArray());
        return (forward, backward);
    }

    /// <summary>
    /// Normwise relative error of a list of tensors taken as one vector: max|actual − reference| / max|reference| over
    /// all of them (+∞ when an actual value is not finite).
    /// </summary>
    /// <remarks>
    /// One norm over all gradients, not one per tensor: some gradients are nearly zero by construction (a bias before a
    /// training-mode BatchNorm; BatchNorm's input gradient over two values), and their rounding noise, measured against
    /// their own size, would look like a defect. A wrong kernel shows up against the largest gradient all the same.
    /// </remarks>
    internal static double RelativeError(IReadOnlyList<Tensor> actual, IReadOnlyList<Tensor> reference)
    {
        using var scope = NewDisposeScope();
        double difference = 0, scale = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            if (!actual[i].isfinite().all().item<bool>())
            {
                return double.PositiveInfinity;
            }

            difference = Math.Max(difference, (actual[i].detach().to(float64) - reference[i].detach()).abs().max().item<double>());
            scale = Math.Max(scale, reference[i].detach().abs().max().item<double>());
        }

        return difference == 0 ? 0 : scale > 0 ? difference / scale : double.PositiveInfinity;
    }

    private static Tensor Perturbed(SelfCheckSettings settings, string op, string direction, Tensor value) =>
        settings.Perturb is null ? value : settings.Perturb(op, direction, value.detach());

    private static double Worst(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static string Shape(params long[] sizes) => string.Join('x', sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>One operation: its name, its inputs' shapes (the first is the activation) and the computation.</summary>
    internal sealed record ProbeCase(string Op, long[][] Shapes, Func<Tensor[], Tensor> Forward)
    {
        public string Input => Shape(Shapes[0]);
    }
}

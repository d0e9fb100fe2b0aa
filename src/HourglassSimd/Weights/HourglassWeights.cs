using HourglassSimd.Topology;

namespace HourglassSimd;

/// <summary>
/// The parameters of a Stacked Hourglass network as named tensors, keyed as in a checkpoint of the reference
/// PyTorch layout (hourglass-spec §1.8: <c>pre.0.conv.weight</c>, <c>hgs.0.0.up1.bn1.running_mean</c>, ...).
/// Either as trained (every batch norm with γ, β, running mean and variance) or folded for inference
/// (<see cref="IsFolded"/>: batch norms that follow a convolution folded into it, each residual module's opening
/// batch norm as <c>bn1.scale</c> and <c>bn1.shift</c>); see <see cref="Fold"/>.
/// </summary>
public sealed class HourglassWeights
{
    private readonly Dictionary<string, WeightTensor> _tensors;

    /// <summary>Collects tensors; names must be unique.</summary>
    /// <param name="tensors">The tensors.</param>
    /// <param name="folded">True when the tensors are in the folded inference form.</param>
    public HourglassWeights(IEnumerable<WeightTensor> tensors, bool folded = false)
    {
        IsFolded = folded;
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!_tensors.TryAdd(tensor.Name, tensor))
                throw new ArgumentException($"Tensor '{tensor.Name}' is given twice.", nameof(tensors));
        }
    }

    /// <summary>True for the folded inference form (what <c>.hgw</c> files hold), false for the trained form.</summary>
    public bool IsFolded { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, WeightTensor> Tensors => _tensors;

    /// <summary>
    /// Random weights for <paramref name="architecture"/>, the same for the same seed: convolution weights uniform in
    /// ±1/√fan-in, biases in ±0.1, and batch norms with non-trivial statistics (γ in [0.5, 1.5], β and running mean in
    /// ±0.2, running variance in [0.5, 1.5]), so that folding and fusing are really exercised.
    /// </summary>
    public static HourglassWeights CreateRandom(HourglassArchitecture architecture, int seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var random = new Random(seed);
        var tensors = new List<WeightTensor>();
        foreach (var expected in WeightLayout.Enumerate(architecture))
        {
            var data = new float[expected.ElementCount];
            float fanIn = expected.Kind == WeightKind.ConvWeight ? expected.Shape[1] * expected.Shape[2] * expected.Shape[3] : 1;
            (float low, float high) = expected.Kind switch
            {
                WeightKind.ConvWeight => (-1 / MathF.Sqrt(fanIn), 1 / MathF.Sqrt(fanIn)),
                WeightKind.ConvBias => (-0.1f, 0.1f),
                WeightKind.BatchNormWeight => (0.5f, 1.5f),
                WeightKind.BatchNormVariance => (0.5f, 1.5f),
                _ => (-0.2f, 0.2f),
            };
            for (int i = 0; i < data.Length; i++)
                data[i] = low + (high - low) * random.NextSingle();
            tensors.Add(new WeightTensor(expected.Name, expected.Shape, data));
        }
        return new HourglassWeights(tensors);
    }

    /// <summary>
    /// The folded inference form of these (validated) weights: y = γ·(x − μ)/√(σ² + 1e-5) + β folded into the
    /// preceding convolution where there is one, else kept as a per-channel scale and shift. Computed in double.
    /// </summary>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture.</exception>
    public HourglassWeights Fold(HourglassArchitecture architecture)
    {
        Validate(architecture);
        if (IsFolded)
            return this;
        var tensors = new List<WeightTensor>();
        foreach (object block in WeightLayout.Blocks(architecture))
        {
            if (block is ConvStep conv)
            {
                var weight = Get(conv.Name + ".weight");
                float[] weights = weight.Data, bias = Get(conv.Name + ".bias").Data;
                if (conv.BatchNorm is { } bn)
                    (weights, bias) = BatchNormFolding.FoldIntoConv(weights, bias, Get(bn + ".weight").Data, Get(bn + ".bias").Data,
                        Get(bn + ".running_mean").Data, Get(bn + ".running_var").Data);
                tensors.Add(new WeightTensor(conv.Name + ".weight", [.. weight.Shape], weights));
                tensors.Add(new WeightTensor(conv.Name + ".bias", [conv.OutChannels], bias));
            }
            else if (block is PreActivation pre)
            {
                var (scale, shift) = BatchNormFolding.ScaleShift(Get(pre.Name + ".weight").Data, Get(pre.Name + ".bias").Data,
                    Get(pre.Name + ".running_mean").Data, Get(pre.Name + ".running_var").Data);
                tensors.Add(new WeightTensor(pre.Name + ".scale", [pre.Channels], scale));
                tensors.Add(new WeightTensor(pre.Name + ".shift", [pre.Channels], shift));
            }
        }
        return new HourglassWeights(tensors, folded: true);
    }

    /// <summary>
    /// Checks that these weights fit <paramref name="architecture"/> exactly (in their form, trained or folded): every
    /// expected tensor present with the expected shape, all values finite (variances also non-negative), and no
    /// tensor left over.
    /// </summary>
    /// <exception cref="WeightsMismatchException">Lists every problem found.</exception>
    public void Validate(HourglassArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var problems = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expected in IsFolded ? WeightLayout.EnumerateFolded(architecture) : WeightLayout.Enumerate(architecture))
        {
            expectedNames.Add(expected.Name);
            if (!_tensors.TryGetValue(expected.Name, out var tensor))
            {
                problems.Add($"missing tensor '{expected.Name}' (expected shape {WeightTensor.FormatShape(expected.Shape)})");
                continue;
            }
            if (!tensor.Shape.SequenceEqual(expected.Shape))
            {
                problems.Add($"tensor '{expected.Name}' has shape {WeightTensor.FormatShape(tensor.Shape)}, expected {WeightTensor.FormatShape(expected.Shape)}");
                continue;
            }
            int bad = Array.FindIndex(tensor.Data, v => !float.IsFinite(v) || (expected.Kind == WeightKind.BatchNormVariance && v < 0));
            if (bad >= 0)
                problems.Add($"tensor '{expected.Name}' holds an invalid value {tensor.Data[bad]} at flat index {bad}");
        }
        foreach (string name in _tensors.Keys.Where(n => !expectedNames.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected tensor '{name}'");
        if (problems.Count > 0)
            throw new WeightsMismatchException(architecture, problems);
    }

    internal WeightTensor Get(string name) =>
        _tensors.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"Weights have no tensor '{name}'.");
}

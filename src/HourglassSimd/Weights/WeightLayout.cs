using HourglassSimd.Topology;

namespace HourglassSimd;

/// <summary>What a parameter tensor is. Running statistics are state, not learned parameters.</summary>
internal enum WeightKind
{
    ConvWeight,
    ConvBias,
    BatchNormWeight,
    BatchNormBias,
    BatchNormMean,
    BatchNormVariance,
    /// <summary>Folded form of a pre-activation batch norm: γ/√(σ² + ε).</summary>
    PreActivationScale,
    /// <summary>Folded form of a pre-activation batch norm: β − μ·scale.</summary>
    PreActivationShift,
}

/// <summary>One tensor the architecture expects: its checkpoint key, shape and kind.</summary>
internal readonly record struct ExpectedTensor(string Name, int[] Shape, WeightKind Kind)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public bool IsLearned => Kind is not (WeightKind.BatchNormMean or WeightKind.BatchNormVariance);
}

/// <summary>
/// The parameter tensors of an architecture with their checkpoint keys (hourglass-spec §1.8: the reference
/// PyTorch naming without its unused identity shortcuts), in the order the network uses them (a walk of
/// <see cref="HourglassTopology"/>), in two forms: as trained (every batch norm with γ, β, running mean and variance)
/// and folded for inference (batch norms that follow a convolution folded into it; pre-activation batch norms as
/// <c>scale</c> and <c>shift</c>).
/// </summary>
internal static class WeightLayout
{
    /// <summary>Tensors as trained (a checkpoint's content).</summary>
    public static IEnumerable<ExpectedTensor> Enumerate(HourglassArchitecture arch) => Blocks(arch).SelectMany(block => block switch
    {
        ConvStep c => ConvTensors(c).Concat(c.BatchNorm is null ? [] : BatchNormTensors(c.BatchNorm, c.OutChannels)),
        PreActivation p => BatchNormTensors(p.Name, p.Channels),
        _ => throw new InvalidOperationException(),
    });

    /// <summary>Tensors folded for inference (what an <c>.hgw</c> file holds).</summary>
    public static IEnumerable<ExpectedTensor> EnumerateFolded(HourglassArchitecture arch) => Blocks(arch).SelectMany(block => block switch
    {
        ConvStep c => ConvTensors(c),
        PreActivation p => (IEnumerable<ExpectedTensor>)
        [
            new(p.Name + ".scale", [p.Channels], WeightKind.PreActivationScale),
            new(p.Name + ".shift", [p.Channels], WeightKind.PreActivationShift),
        ],
        _ => throw new InvalidOperationException(),
    });

    /// <summary>The parameterized operations in execution order: <see cref="ConvStep"/>s and their <see cref="PreActivation"/>s.</summary>
    public static IReadOnlyList<object> Blocks(HourglassArchitecture arch)
    {
        var collector = new Collector();
        HourglassTopology.Walk(arch, collector);
        return collector.Blocks;
    }

    /// <summary>Collects the parameterized operations of a walk; tensors are not tracked (the handle is a shared dummy).</summary>
    private sealed class Collector : IHourglassVisitor<object>
    {
        private static readonly object Tensor = new();

        public List<object> Blocks { get; } = [];

        public object Image(int channels) => Tensor;

        public object Convolution(ConvStep step, object input, object? residual)
        {
            if (step.Prologue is { } prologue)
                Blocks.Add(prologue);
            Blocks.Add(step);
            return Tensor;
        }

        public object MaxPool(string name, object input) => Tensor;

        public object UpsampleAdd(string name, object low, object skip) => Tensor;

        public void Heatmaps(int stack, object heatmaps)
        {
        }
    }

    private static IEnumerable<ExpectedTensor> ConvTensors(ConvStep c) =>
    [
        new(c.Name + ".weight", [c.OutChannels, c.InChannelsPerGroup, c.KernelSize, c.KernelSize], WeightKind.ConvWeight),
        new(c.Name + ".bias", [c.OutChannels], WeightKind.ConvBias),
    ];

    private static IEnumerable<ExpectedTensor> BatchNormTensors(string prefix, int channels) =>
    [
        new(prefix + ".weight", [channels], WeightKind.BatchNormWeight),
        new(prefix + ".bias", [channels], WeightKind.BatchNormBias),
        new(prefix + ".running_mean", [channels], WeightKind.BatchNormMean),
        new(prefix + ".running_var", [channels], WeightKind.BatchNormVariance),
    ];
}

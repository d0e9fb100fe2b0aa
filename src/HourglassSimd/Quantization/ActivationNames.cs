using HourglassSimd.Topology;

namespace HourglassSimd.Quantization;

/// <summary>
/// The names under which a quantized model keeps its activations' quantization, taken from the topology walk so that
/// the calibration and the quantized plan name the same tensors alike: the input image, each convolution's output
/// (after its residual and ReLU) by the step's name, each pre-activation's output by its batch norm's name, and each
/// upsample-add's sum by the hourglass's name. A max pool keeps its input's quantization and has no name of its own.
/// </summary>
internal static class ActivationNames
{
    public const string Image = "image";

    public static string Of(ConvStep step) => step.Name;

    public static string Of(PreActivation prologue) => prologue.Name;

    public static string OfUpsampleAdd(string name) => name;

    /// <summary>Every name a quantized plan of <paramref name="architecture"/> looks up, in network order.</summary>
    public static IReadOnlyList<string> Required(HourglassArchitecture architecture)
    {
        var collector = new Collector();
        HourglassTopology.Walk(architecture, collector);
        return collector.Names;
    }

    private sealed class Collector : IHourglassVisitor<object>
    {
        private static readonly object Tensor = new();

        public List<string> Names { get; } = [];

        public object Image(int channels)
        {
            Names.Add(ActivationNames.Image);
            return Tensor;
        }

        public object Convolution(ConvStep step, object input, object? residual)
        {
            if (step.Prologue is { } prologue)
                Names.Add(Of(prologue));
            Names.Add(Of(step));
            return Tensor;
        }

        public object MaxPool(string name, object input) => Tensor;

        public object UpsampleAdd(string name, object low, object skip)
        {
            Names.Add(OfUpsampleAdd(name));
            return Tensor;
        }

        public void Heatmaps(int stack, object heatmaps)
        {
        }
    }
}

using HourglassSimd.Kernels.Int16;
using HourglassSimd.Kernels.Int8;

namespace HourglassSimd.Quantization;

/// <summary>
/// What makes a model quantized, beside its float tensors (biases and pre-activation scales and shifts stay float32):
/// every convolution's s8 weights with one scale per output channel, and the u8 quantization of every activation the
/// quantized plan stores, keyed by the topology's names (<see cref="ActivationNames"/>). Shared by the plans of every
/// input size, which pack each convolution once.
/// </summary>
internal sealed class QuantizedModel
{
    /// <summary>The precisions written in model files.</summary>
    public const string Int8 = "int8", Int16 = "int16";

    private readonly Dictionary<string, object> _packed = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <param name="activations">Each stored activation's quantization, by name (<see cref="ActivationNames"/>).</param>
    /// <param name="weights">Each quantized convolution's weights, by its prefix.</param>
    /// <param name="maxWeight">
    /// int8: the largest weight magnitude, 1 to 127. int16: 0, each convolution's bound being
    /// <see cref="Int16DirectConv.MaxWeightFor"/> of its products per output.
    /// </param>
    /// <param name="method">How the activation ranges were calibrated.</param>
    /// <param name="keepFloat">Patterns of the convolutions kept in float32.</param>
    /// <param name="precision">int8 or int16.</param>
    public QuantizedModel(IReadOnlyDictionary<string, ActivationQuantization> activations, IReadOnlyDictionary<string, QuantizedWeight> weights,
        int maxWeight, string method, IReadOnlyList<string>? keepFloat = null, ModelPrecision precision = ModelPrecision.Int8)
    {
        KeepFloat = keepFloat ?? [];
        if (precision == ModelPrecision.Int8 && maxWeight is < 1 or > 127)
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The largest weight magnitude must be from 1 to 127.");
        if (precision == ModelPrecision.Int16 && maxWeight != 0)
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "An int16 model bounds each convolution's weights by its size: maxWeight must be 0.");
        if (precision == ModelPrecision.Float32)
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "A quantized model is int8 or int16.");
        Precision = precision;
        Activations = activations;
        Weights = weights;
        MaxWeight = maxWeight;
        Method = method;
    }

    /// <summary>int8 (s8 weights, u8 activations) or int16 (s16 weights, symmetric s16 activations).</summary>
    public ModelPrecision Precision { get; }

    /// <summary>The precision's name in model files.</summary>
    public string PrecisionName => NameOf(Precision);

    /// <summary>A precision's name in model files and messages: <c>float32</c>, <c>int8</c> or <c>int16</c>.</summary>
    public static string NameOf(ModelPrecision precision) => precision switch
    {
        ModelPrecision.Int8 => Int8,
        ModelPrecision.Int16 => Int16,
        _ => "float32",
    };

    /// <summary>
    /// The largest quantized bias magnitude a convolution of this model takes: the int8 kernels' int32 accumulator
    /// keeps half its range for the products; the int16 ones keep the bound their overflow proof assumes
    /// (<see cref="Int16DirectConv.MaxStartValue"/>).
    /// </summary>
    public long MaxBias => Precision == ModelPrecision.Int16 ? Int16DirectConv.MaxStartValue : QuantizedConvWeights.MaxInt8Bias;

    /// <summary>The quantization (u8, or symmetric s16) of each stored activation, by name.</summary>
    public IReadOnlyDictionary<string, ActivationQuantization> Activations { get; }

    /// <summary>
    /// Patterns of the convolutions kept in float32 (mixed precision, <see cref="QuantizationOptions.KeepFloat"/>): a
    /// pattern keeps a convolution when it matches its name or a dotted prefix of it, <c>*</c> matching any characters
    /// (<c>pre.0</c>: the stem convolution; <c>hgs.*.low2</c>: every lower branch below the first level).
    /// </summary>
    public IReadOnlyList<string> KeepFloat { get; }

    /// <summary>Whether convolution <paramref name="name"/> runs in float32 (a <see cref="KeepFloat"/> pattern matches it).</summary>
    public bool IsFloat(string name) => KeepFloat.Any(pattern => Matches(pattern, name));

    /// <summary>
    /// Whether a quantized plan (and its QDQ ONNX form) runs convolution <paramref name="step"/> in float32: a
    /// <see cref="KeepFloat"/> pattern keeps it, or it reads the float residual stream with no batch norm to quantize
    /// first (a shortcut projection of a float map, the heads and merges). <paramref name="readsFloat"/>: whether its
    /// input is a float map once the image has been quantized for the convolutions that are not kept.
    /// </summary>
    public bool RunsInFloat(Topology.ConvStep step, bool readsFloat) => IsFloat(step.Name) || readsFloat && step.Prologue is null;

    /// <summary>
    /// Whether depthwise convolution <paramref name="step"/> of an int16 model runs in float32 between s16 maps: on its
    /// dequantized weights and a dequantized input, its output (ReLU'd) quantized for conv3. The int16 engine has no
    /// depthwise kernel (at 9 products per output the layer is memory-bound in any precision); an int8 model runs its
    /// depthwise convolutions in integers (<c>Int8DepthwiseConv3x3</c>), and a kept one (<see cref="KeepFloat"/>) runs
    /// in float with a float output.
    /// </summary>
    public bool RunsDepthwiseBetweenQuantizedMaps(Topology.ConvStep step) => Precision == ModelPrecision.Int16 && step.IsDepthwise && !IsFloat(step.Name);

    /// <summary>Whether <paramref name="pattern"/> matches <paramref name="name"/> or one of its dotted prefixes (<c>a.b</c> of <c>a.b.c</c>).</summary>
    public static bool Matches(string pattern, string name)
    {
        var glob = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$");
        for (int end = name.Length; end > 0; end = name.LastIndexOf('.', end - 1))
            if (glob.IsMatch(name[..end]))
                return true;
        return false;
    }

    /// <summary>Each int8 convolution's quantized weights, by its prefix (e.g. <c>pre.0.conv</c>); kept ones have none.</summary>
    public IReadOnlyDictionary<string, QuantizedWeight> Weights { get; }

    /// <summary>The largest weight magnitude the quantizer used: 63 (7-bit weights, exact on every int8 kernel path) unless stated otherwise.</summary>
    public int MaxWeight { get; }

    /// <summary>How the activation ranges were calibrated (<c>minmax</c>, <c>percentile</c>).</summary>
    public string Method { get; }

    /// <summary>The quantization of activation <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has none for it.</exception>
    public ActivationQuantization Activation(string name) =>
        Activations.TryGetValue(name, out var q) ? q : throw new InvalidOperationException($"The quantized model has no quantization for activation '{name}'.");

    /// <summary>Convolution <paramref name="name"/> of an int8 model packed for its input and output quantization (once; later calls return the same packing).</summary>
    public PackedInt8Conv Packed(string name, float[] bias, int inChannels, int kernelSize, int stride, int pad,
        ActivationQuantization input, ActivationQuantization output, bool relu) =>
        Pack(name, weight => new PackedInt8Conv(new QuantizedConvWeights(weight.ToInt8(), weight.Scales, bias, input, output),
            inChannels, kernelSize, stride, pad, input, output, relu));

    /// <summary>Depthwise 3x3 convolution <paramref name="name"/> of an int8 model packed for its input and output quantization (once).</summary>
    public PackedInt8DepthwiseConv PackedDepthwise(string name, float[] bias, ActivationQuantization input, ActivationQuantization output, bool relu) =>
        Pack(name, weight => new PackedInt8DepthwiseConv(new QuantizedConvWeights(weight.ToInt8(), weight.Scales, bias, input, output), input, output, relu));

    /// <summary>Convolution <paramref name="name"/> of an int16 model packed for its input and output quantization (once).</summary>
    public PackedInt16Conv PackedInt16(string name, float[] bias, int inChannels, int kernelSize, int stride, int pad,
        ActivationQuantization input, ActivationQuantization output, bool relu) =>
        Pack(name, weight => new PackedInt16Conv(weight, bias, inChannels, kernelSize, stride, pad, input, output, relu));

    /// <summary>Convolution <paramref name="name"/>'s packing, made by <paramref name="pack"/> from its weights the first time.</summary>
    private T Pack<T>(string name, Func<QuantizedWeight, T> pack) where T : class
    {
        lock (_lock)
        {
            if (!_packed.TryGetValue(name, out var packed))
            {
                if (!Weights.TryGetValue(name, out var weight))
                    throw new InvalidOperationException($"The quantized model has no weights for convolution '{name}'.");
                _packed.Add(name, packed = pack(weight));
            }
            return (T)packed;
        }
    }
}

/// <summary>
/// A convolution's quantized weights [out][in][K][K] (s8 values of an int8 model, s16 of an int16 one, held as
/// <see cref="short"/>) and their per-output-channel scales: <c>w = Scales[o] · Values[...]</c>.
/// </summary>
internal sealed record QuantizedWeight(short[] Values, float[] Scales)
{
    /// <summary>Weights quantized to s8.</summary>
    public static QuantizedWeight FromInt8(sbyte[] values, float[] scales) => new(Array.ConvertAll(values, v => (short)v), scales);

    /// <summary>The values as s8 (an int8 model's).</summary>
    /// <exception cref="OverflowException">A value does not fit s8.</exception>
    public sbyte[] ToInt8() => Array.ConvertAll(Values, v => checked((sbyte)v));

    /// <summary>The float weights these stand for: <c>Scales[o] · Values[...]</c>.</summary>
    public float[] Dequantize()
    {
        int perChannel = Values.Length / Scales.Length;
        var data = new float[Values.Length];
        for (int i = 0; i < data.Length; i++)
            data[i] = Scales[i / perChannel] * Values[i];
        return data;
    }
}

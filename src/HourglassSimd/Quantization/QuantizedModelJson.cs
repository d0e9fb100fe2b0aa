using System.Text.Json;
using HourglassSimd.Kernels.Int16;
using HourglassSimd.Topology;

namespace HourglassSimd.Quantization;

/// <summary>
/// The <c>.hgw</c> header's <c>"quantization"</c> object of an int8 or int16 model (docs/weight-format.md), and the
/// checks that a file's quantized tensors make a model the quantized plan can run: every convolution with weights in
/// range (int8: the stated largest magnitude; int16: the convolution's overflow bound, <see cref="Int16DirectConv.MaxWeightFor"/>)
/// and finite positive scales, every stored activation with a finite positive scale and a zero point (u8; 0 for int16).
/// </summary>
internal static class QuantizedModelJson
{
    /// <summary>The float32 tensor that holds a convolution's per-output-channel weight scales: <c>prefix + ScaleSuffix</c>.</summary>
    public const string ScaleSuffix = ".weight_scale";

    public static void Write(Utf8JsonWriter json, QuantizedModel model)
    {
        json.WriteStartObject("quantization");
        json.WriteString("weights", "symmetric per output channel");
        if (model.Precision == ModelPrecision.Int16)
        {
            json.WriteString("weightBound", "per convolution: products x 2047 x max|w| <= 2^30");
            json.WriteString("activations", "symmetric int16 per tensor, |q| <= 2047");
        }
        else
        {
            json.WriteNumber("maxWeight", model.MaxWeight);
            json.WriteString("activations", "asymmetric uint8 per tensor");
        }
        json.WriteString("method", model.Method);
        json.WriteStartArray("keepFloat");
        foreach (string pattern in model.KeepFloat)
            json.WriteStringValue(pattern);
        json.WriteEndArray();
        json.WriteStartObject("activationQuantization");
        foreach (var (name, q) in model.Activations)
        {
            json.WriteStartObject(name);
            json.WriteNumber("scale", q.Scale);
            json.WriteNumber("zeroPoint", q.ZeroPoint);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The <c>keepFloat</c> patterns of an int8 model's header (none when absent).</summary>
    /// <exception cref="ModelFileException">Not an array of non-empty strings.</exception>
    public static string[] ReadKeepFloat(JsonElement header)
    {
        if (!header.TryGetProperty("quantization", out var q) || q.ValueKind != JsonValueKind.Object || !q.TryGetProperty("keepFloat", out var keep))
            return [];
        if (keep.ValueKind != JsonValueKind.Array || keep.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(p.GetString())))
            throw new ModelFileException("corrupt: the quantization's 'keepFloat' is not a list of patterns.");
        return [.. keep.EnumerateArray().Select(p => p.GetString()!)];
    }

    /// <exception cref="ModelFileException">Anything missing, of the wrong kind or out of range.</exception>
    public static QuantizedModel Read(JsonElement header, HourglassArchitecture architecture, List<WeightTensor> floats,
        Dictionary<string, (int[] Shape, short[] Data)> quantized, ModelPrecision precision)
    {
        bool int16 = precision == ModelPrecision.Int16;
        string kind = int16 ? "int16" : "int8";
        if (!header.TryGetProperty("quantization", out var q) || q.ValueKind != JsonValueKind.Object)
            throw new ModelFileException($"corrupt: an {kind} model's header lacks its 'quantization' object.");
        int maxWeight = 0;
        if (!int16 && (!q.TryGetProperty("maxWeight", out var maxWeightElement) || !maxWeightElement.TryGetInt32(out maxWeight) || maxWeight is < 1 or > 127))
            throw new ModelFileException("corrupt: the quantization's 'maxWeight' is not an integer from 1 to 127.");
        string method = q.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unknown";
        if (!q.TryGetProperty("activationQuantization", out var entries) || entries.ValueKind != JsonValueKind.Object)
            throw new ModelFileException("corrupt: the quantization lacks its 'activationQuantization' object.");

        var activations = new Dictionary<string, ActivationQuantization>(StringComparer.Ordinal);
        foreach (var entry in entries.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("scale", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetSingle(out float scale)
                || !entry.Value.TryGetProperty("zeroPoint", out var z) || !z.TryGetInt32(out int zero))
                throw new ModelFileException($"corrupt: the quantization of activation '{entry.Name}' is not {{\"scale\": number, \"zeroPoint\": integer}}.");
            if (!float.IsFinite(scale) || scale <= 0 || zero is < 0 or > 255 || int16 && zero != 0)
                throw new ModelFileException($"corrupt: activation '{entry.Name}' has scale {scale} and zero point {zero} (a finite positive scale, a zero point {(int16 ? "of 0" : "from 0 to 255")}).");
            activations[entry.Name] = new ActivationQuantization(scale, (byte)zero);
        }
        if (ActivationNames.Required(architecture).FirstOrDefault(name => !activations.ContainsKey(name)) is { } missing)
            throw new ModelFileException($"corrupt: the quantization has no entry for activation '{missing}'.");

        string[] keepFloat = ReadKeepFloat(header);
        var scales = floats.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var weights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        foreach (var step in WeightLayout.Blocks(architecture).OfType<ConvStep>().Where(c => !keepFloat.Any(p => QuantizedModel.Matches(p, c.Name))))
        {
            if (!quantized.TryGetValue(step.Name + ".weight", out var w))
                throw new ModelFileException($"corrupt: the {kind} weights of '{step.Name}' are missing.");
            if (!scales.TryGetValue(step.Name + ScaleSuffix, out var scale) || scale.Data.Length != step.OutChannels)
                throw new ModelFileException($"corrupt: '{step.Name}{ScaleSuffix}' is missing or does not hold {step.OutChannels} scales.");
            int bad = Array.FindIndex(scale.Data, v => !float.IsFinite(v) || v <= 0);
            if (bad >= 0)
                throw new ModelFileException($"corrupt: '{step.Name}{ScaleSuffix}' holds {scale.Data[bad]}; weight scales must be finite and positive.");
            int bound = int16 ? Int16DirectConv.MaxWeightFor(step.InChannelsPerGroup * step.KernelSize * step.KernelSize) : maxWeight;
            if (w.Data.Any(v => v < -bound || v > bound))
                throw new ModelFileException(int16
                    ? $"corrupt: the int16 weights of '{step.Name}' exceed ±{bound}, the bound that keeps its int32 sums exact."
                    : $"corrupt: the int8 weights of '{step.Name}' exceed the stated largest magnitude {maxWeight}.");
            weights.Add(step.Name, new QuantizedWeight(w.Data, scale.Data));
        }
        return new QuantizedModel(activations, weights, maxWeight, method, keepFloat, precision);
    }
}

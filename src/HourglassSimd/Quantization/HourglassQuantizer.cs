using HourglassSimd.Kernels.Int8;
using HourglassSimd.Topology;

namespace HourglassSimd.Quantization;

/// <summary>
/// Post-training quantization of a float model to int8: weights symmetric per output channel (7-bit, so that every
/// int8 kernel path computes the same exact sums), activations asymmetric u8 per tensor with ranges calibrated on
/// images given as the network's inputs (run them through the pose pre-processing first, as inference will). The
/// arithmetic is <see cref="Requantization"/>'s, ONNX <c>QLinearConv</c>'s.
/// </summary>
public static class HourglassQuantizer
{
    /// <summary>Quantizes <paramref name="model"/> with ranges from <paramref name="calibration"/>.</summary>
    /// <param name="model">A float model.</param>
    /// <param name="calibration">Plain CHW float images at the model's input size, normalized as its inputs (at least one).</param>
    /// <param name="options">Calibration method and report; null: the defaults.</param>
    /// <param name="progress">Told the number of calibration images done, after each.</param>
    /// <exception cref="ArgumentException">No image, an image of the wrong size or holding a non-finite value, or a model that is already quantized.</exception>
    /// <exception cref="NotSupportedException">An architecture the int8 engine does not run (depthwise blocks).</exception>
    public static QuantizationResult Quantize(HourglassModelFile model, IEnumerable<float[]> calibration, QuantizationOptions? options = null,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new QuantizationOptions();
        if (options.Percentile is < 90 or > 100 || double.IsNaN(options.Percentile))
            throw new ArgumentOutOfRangeException(nameof(options), options.Percentile, "The calibration percentile must be from 90 to 100.");
        if (model.Precision != ModelPrecision.Float32)
            throw new ArgumentException($"The model is already quantized ({model.Precision}); quantize its float original instead.", nameof(model));
        var arch = model.Architecture;
        if (arch.Block != ResidualBlock.Bottleneck)
            throw new NotSupportedException("Only bottleneck residual blocks quantize: the int8 engine has no depthwise kernel.");

        int expected = arch.InputChannels * arch.InputHeight * arch.InputWidth;
        var ranges = new ActivationRanges(options.Method, options.Percentile);
        var comparison = new List<float[]>();
        int count = 0;
        foreach (float[] image in calibration)
        {
            if (image is null || image.Length != expected)
                throw new ArgumentException($"Calibration image {count + 1} has {image?.Length ?? 0} floats; the model takes {arch.InputChannels} x {arch.InputHeight} x {arch.InputWidth} = {expected}.", nameof(calibration));
            int bad = Array.FindIndex(image, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentException($"Calibration image {count + 1} holds {image[bad]} at index {bad}; values must be finite.", nameof(calibration));
            FloatActivationRun.Run(arch, model.Weights, image, ranges.Observe);
            if (comparison.Count < options.ComparisonImages)
                comparison.Add(image);
            count++;
            progress?.Report(count);
        }
        if (count == 0)
            throw new ArgumentException("The calibration set is empty: give at least one image.", nameof(calibration));

        var reports = new List<QuantizedTensorReport>();
        var activations = new Dictionary<string, ActivationQuantization>(StringComparer.Ordinal);
        foreach (var (name, (min, max)) in ranges.Ranges())
        {
            var q = ActivationQuantization.FromRange(min, max);
            activations.Add(name, q);
            reports.Add(new QuantizedTensorReport(name, "activation", min, max, q.Scale, q.ZeroPoint, double.NaN));
        }

        var weights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        foreach (var step in WeightLayout.Blocks(arch).OfType<ConvStep>())
        {
            var folded = model.Weights.Get(step.Name + ".weight").Data;
            var (values, scales) = QuantizedConvWeights.QuantizeWeights(folded, step.OutChannels, Int8DirectConv.MaxPairWeight);
            var quantized = new QuantizedWeight(values, scales);
            weights.Add(step.Name, quantized);
            reports.Add(WeightReport(step.Name, folded, quantized));
        }

        var quantizedModel = new QuantizedModel(activations, weights, Int8DirectConv.MaxPairWeight, Name(options.Method));
        var result = HourglassModelFile.Quantized(model, quantizedModel);
        return new QuantizationResult(result, reports, HeatmapSqnr(model, result, comparison), count);
    }

    internal static string Name(CalibrationMethod method) => method == CalibrationMethod.Percentile ? "percentile" : "minmax";

    private static QuantizedTensorReport WeightReport(string name, float[] weights, QuantizedWeight q)
    {
        float[] dequantized = q.Dequantize();
        double signal = 0, noise = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i], e = dequantized[i] - w;
            signal += w * w;
            noise += e * e;
        }
        return new QuantizedTensorReport(name, "weights", weights.Min(), weights.Max(), q.Scales.Max(), 0, Sqnr(signal, noise));
    }

    /// <summary>Per stack, the SQNR of the quantized network's heatmaps against the float network's on <paramref name="images"/>.</summary>
    private static double[] HeatmapSqnr(HourglassModelFile original, HourglassModelFile quantized, List<float[]> images)
    {
        var arch = original.Architecture;
        var signal = new double[arch.Stacks];
        var noise = new double[arch.Stacks];
        using var floatNet = original.CreateNetwork();
        using var int8Net = quantized.CreateNetwork();
        int perStack = arch.Joints * (arch.InputHeight / HourglassArchitecture.OutputStride) * (arch.InputWidth / HourglassArchitecture.OutputStride);
        foreach (float[] image in images)
        {
            float[] f = floatNet.Run(image), q = int8Net.Run(image);
            for (int i = 0; i < f.Length; i++)
            {
                double e = q[i] - f[i];
                signal[i / perStack] += (double)f[i] * f[i];
                noise[i / perStack] += e * e;
            }
        }
        return [.. signal.Select((s, i) => Sqnr(s, noise[i]))];
    }

    private static double Sqnr(double signal, double noise) => noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
}

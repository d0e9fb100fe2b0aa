using HourglassSimd.Kernels.Int16;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Topology;

namespace HourglassSimd.Quantization;

/// <summary>
/// Post-training quantization of a float model to int8: weights symmetric per output channel (7-bit, so that every
/// int8 kernel path computes the same exact sums), activations asymmetric u8 per tensor with ranges calibrated on
/// images given as the network's inputs (run them through the pose pre-processing first, as inference will). The
/// arithmetic is <see cref="Requantization"/>'s, ONNX <c>QLinearConv</c>'s. Or to int16
/// (<see cref="QuantizationOptions.Precision"/>): s16 weights within each convolution's overflow bound
/// (<c>Int16DirectConv.MaxWeightFor</c>) and symmetric s16 activations within ±2047 (<see cref="Int16Requantization"/>).
/// </summary>
public static class HourglassQuantizer
{
    /// <summary>Quantizes <paramref name="model"/> with ranges from <paramref name="calibration"/>.</summary>
    /// <param name="model">A float model.</param>
    /// <param name="calibration">Plain CHW float images at the model's input size, normalized as its inputs (at least one).</param>
    /// <param name="options">Calibration method and report; null: the defaults.</param>
    /// <param name="progress">
    /// Told the number of calibration images done, after each; <see cref="CalibrationMethod.Mse"/> reads them twice and
    /// counts on to twice their number.
    /// </param>
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
        if (options.ComparisonImages < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ComparisonImages, "The number of comparison images cannot be negative.");
        if (options.Precision is not (ModelPrecision.Int8 or ModelPrecision.Int16))
            throw new ArgumentOutOfRangeException(nameof(options), options.Precision, "The precision to quantize to must be int8 or int16.");
        bool int16 = options.Precision == ModelPrecision.Int16;
        if (int16 && options.Method == CalibrationMethod.Mse)
            throw new ArgumentException("The mse method searches the clipping range of a u8 grid; quantize to int16 with minmax or percentile.", nameof(options));
        if (model.Precision != ModelPrecision.Float32)
            throw new ArgumentException($"The model is already quantized ({model.Precision}); quantize its float original instead.", nameof(model));
        var arch = model.Architecture;
        var convolutions = WeightLayout.Blocks(arch).OfType<ConvStep>().ToList();
        foreach (string pattern in options.KeepFloat)
        {
            if (string.IsNullOrWhiteSpace(pattern) || !convolutions.Any(c => QuantizedModel.Matches(pattern, c.Name)))
                throw new ArgumentException($"The keep-float pattern '{pattern}' matches no convolution of {arch} (e.g. pre.0, hgs.0.0.low1, outs.*).", nameof(options));
        }

        int expected = arch.InputChannels * arch.InputHeight * arch.InputWidth;
        var ranges = new ActivationRanges(options.Method == CalibrationMethod.Percentile ? CalibrationMethod.Percentile : CalibrationMethod.MinMax, options.Percentile);
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
        var measured = ranges.Ranges().ToList();
        if (options.Method == CalibrationMethod.Mse)
        {
            var search = new MseRangeSearch(measured.ToDictionary(r => r.Name, r => r.Range, StringComparer.Ordinal));
            int second = 0;
            foreach (float[] image in calibration)
            {
                if (second == count)
                    break;
                FloatActivationRun.Run(arch, model.Weights, image, search.Observe);
                second++;
                progress?.Report(count + second);
            }
            if (second != count)
                throw new ArgumentException($"The calibration sequence gave {count} images, then {second} when read again; the mse method reads it twice.", nameof(calibration));
            measured = [.. measured.Select(r => (r.Name, search.Range(r.Name)))];
        }

        var activations = new Dictionary<string, ActivationQuantization>(StringComparer.Ordinal);
        // The input's range is known, not measured: every value a pixel can give under the model's normalization
        // (with pixel / 255 a u8 step is one pixel level, so the crop quantizes without loss); calibration would clip it.
        var activationRanges = measured.Select(r => r.Name == ActivationNames.Image ? (r.Name, InputRange(model.Normalization)) : r).ToList();
        foreach (var (name, (min, max)) in activationRanges)
            activations.Add(name, int16 ? ActivationQuantization.SymmetricInt16(min, max) : ActivationQuantization.FromRange(min, max));

        var weights = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        var keepFloat = options.KeepFloat.ToArray();
        foreach (var step in convolutions.Where(c => !keepFloat.Any(p => QuantizedModel.Matches(p, c.Name))))
        {
            var folded = model.Weights.Get(step.Name + ".weight").Data;
            QuantizedWeight quantized;
            if (int16)
            {
                int bound = Int16DirectConv.MaxWeightFor(step.InChannelsPerGroup * step.KernelSize * step.KernelSize);
                var (values, scales) = QuantizedConvWeights.QuantizeWeightsToInt16(folded, step.OutChannels, bound);
                quantized = new QuantizedWeight(values, scales);
            }
            else
            {
                var (values, scales) = QuantizedConvWeights.QuantizeWeights(folded, step.OutChannels, Int8DirectConv.MaxPairWeight);
                quantized = QuantizedWeight.FromInt8(values, scales);
            }
            weights.Add(step.Name, quantized);
        }

        var quantizedModel = new QuantizedModel(activations, weights, int16 ? 0 : Int8DirectConv.MaxPairWeight, Name(options.Method), keepFloat, options.Precision);
        var result = HourglassModelFile.Quantized(model, quantizedModel);
        var (heatmapSqnr, activationSqnr) = Compare(model, result, comparison);

        var reports = new List<QuantizedTensorReport>();
        foreach (var (name, (min, max)) in activationRanges)
        {
            var q = activations[name];
            reports.Add(new QuantizedTensorReport(name, "activation", min, max, q.Scale, q.ZeroPoint, activationSqnr.GetValueOrDefault(name, double.NaN)));
        }
        foreach (var step in convolutions.Where(c => weights.ContainsKey(c.Name)))
            reports.Add(WeightReport(step.Name, model.Weights.Get(step.Name + ".weight").Data, weights[step.Name]));
        return new QuantizationResult(result, reports, heatmapSqnr, count);
    }

    /// <summary>The smallest and largest input value a pixel of 0 or 255 gives in any channel.</summary>
    private static (float Min, float Max) InputRange(InputNormalization normalization)
    {
        var values = Enumerable.Range(0, 3).SelectMany(c => new[] { normalization.Apply(c, 0), normalization.Apply(c, 255) }).ToList();
        return (values.Min(), values.Max());
    }

    internal static string Name(CalibrationMethod method) => method switch
    {
        CalibrationMethod.Percentile => "percentile",
        CalibrationMethod.Mse => "mse",
        _ => "minmax",
    };

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

    /// <summary>
    /// On <paramref name="images"/>: per stack, the SQNR of the quantized network's heatmaps against the float network's;
    /// per stored activation, the SQNR of the int8 plan's tensor (dequantized) against the float run's, so the error
    /// that each tensor carries, accumulated from the input on.
    /// </summary>
    private static (double[] Heatmaps, Dictionary<string, double> Activations) Compare(HourglassModelFile original, HourglassModelFile quantized, List<float[]> images)
    {
        var arch = original.Architecture;
        if (images.Count == 0)
            return ([.. Enumerable.Repeat(double.NaN, arch.Stacks)], []);
        var signal = new double[arch.Stacks];
        var noise = new double[arch.Stacks];
        var tensors = new Dictionary<string, (double Signal, double Noise)>(StringComparer.Ordinal);
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
            var reference = new Dictionary<string, float[]>(StringComparer.Ordinal);
            FloatActivationRun.Run(arch, original.Weights, image, (name, map) => reference[name] = map.Data);
            int8Net.ProbeActivations(image, (name, values) =>
            {
                float[] expected = reference[name];
                var (s, n) = tensors.GetValueOrDefault(name);
                for (int i = 0; i < values.Length; i++)
                {
                    double e = values[i] - expected[i];
                    s += (double)expected[i] * expected[i];
                    n += e * e;
                }
                tensors[name] = (s, n);
            });
        }
        return ([.. signal.Select((s, i) => Sqnr(s, noise[i]))], tensors.ToDictionary(t => t.Key, t => Sqnr(t.Value.Signal, t.Value.Noise), StringComparer.Ordinal));
    }

    private static double Sqnr(double signal, double noise) => noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
}

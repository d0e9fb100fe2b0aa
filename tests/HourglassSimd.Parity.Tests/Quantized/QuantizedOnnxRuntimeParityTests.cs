using HourglassSimd.Interop.Onnx;
using HourglassSimd.Kernels;
using HourglassSimd.Kernels.Int16;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Quantization;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.Quantized;

/// <summary>
/// A quantized model exported in QDQ form (<see cref="HourglassOnnxExporter"/>) runs in ONNX Runtime and computes what
/// the engine's quantized plan computes. For int8, with ONNX Runtime's optimizations on, its QDQ fusion turns the int8
/// convolutions into <c>QLinearConv</c> (its own int8 kernels); with them off, and for int16 (which it does not fuse),
/// it runs the graph as written (float convolutions on dequantized values, then <c>QuantizeLinear</c>).
/// <list type="bullet">
/// <item>Operator by operator: each quantized convolution recomputed by the engine's reference kernel from ONNX
/// Runtime's own input equals ONNX Runtime's output bit for bit under <c>QLinearConv</c>, and within one quantization
/// step when it runs in float.</item>
/// <item>End to end: where the two pipelines' float arithmetic rounds differently (a batch norm on a quantized map is
/// one fused multiply-add in the engine, a dequantize, a batch norm and a quantize in ONNX), an element can land one
/// step apart; such a difference then travels downstream. The share of identical elements and the heatmap difference
/// are reported and bounded.</item>
/// </list>
/// </summary>
public sealed class QuantizedOnnxRuntimeParityTests(ITestOutputHelper output)
{
    private static readonly HourglassArchitecture Full = new(stacks: 2, features: 64, joints: 16, inputHeight: 64, inputWidth: 128);

    /// <summary>A pruned network's shape: inner widths on and off multiples of 16 (down to 1), and a stem of 13 channels.</summary>
    private static readonly HourglassArchitecture Pruned = Full with
    {
        StemChannels = 13,
        Widths = new ResidualWidths([new("pre.1", 17), new("pre.4", 5), new("hgs.0.0.up1", 1), new("hgs.1.0.low3", 33), new("features.1.0", 9)]),
    };

    /// <summary>Depthwise blocks (their depthwise convolutions run in float between quantized maps), some pruned.</summary>
    private static readonly HourglassArchitecture Depthwise = Full with
    {
        Block = ResidualBlock.Depthwise,
        Widths = new ResidualWidths([new("pre.1", 24), new("hgs.0.0.low1", 7), new("features.0.0", 1)]),
    };

    private static HourglassArchitecture Shape(string name) => name switch
    {
        "pruned" => Pruned,
        "depthwise" => Depthwise,
        _ => Full,
    };

    [Theory]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, 0, "full")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_DISABLE_ALL, 1, "full")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, 1, "full")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, 0, "pruned")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, 1, "pruned")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, 0, "depthwise")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, 1, "depthwise")]
    public void Each_quantized_convolution_equals_the_reference_on_onnx_runtimes_own_input(ModelPrecision precision, GraphOptimizationLevel level, int allowedSteps,
        string shape)
    {
        var run = Run(precision, level, Shape(shape));
        int convolutions = 0, depthwise = 0;
        long elements = 0, identical = 0, depthwiseElements = 0, depthwiseIdentical = 0;
        int worst = 0, depthwiseWorst = 0;
        foreach (var conv in run.View.Nodes.Where(n => n.OpType == "Conv"))
        {
            string outputName = conv.Name + ".quantized";
            if (!run.Maps.ContainsKey(outputName) || !run.Model.Quantization!.Weights.TryGetValue(conv.Name, out var weight))
                continue; // a float convolution, or a quantized one with a float output
            string inputName = run.View.Nodes.Single(n => n.Name == conv.Inputs[0]).Inputs[0];
            var (inShape, inData) = run.Maps[inputName];
            var (outShape, actual) = run.Maps[outputName];
            int kernel = (int)conv.Attributes["kernel_shape"].Ints(8)[0];
            int stride = (int)inShape[2] / (int)outShape[2];
            var inQ = run.Model.Quantization.Activation(inputName[..^".quantized".Length]);
            var outQ = run.Model.Quantization.Activation(conv.Name);
            float[] bias = run.Model.Weights.Tensors[conv.Name + ".bias"].Data;
            bool isDepthwise = conv.Attributes["group"].Int(3) != 1;
            int[] expected = isDepthwise
                ? DepthwiseReference(precision, weight, run.Model.Weights.Tensors[conv.Name + ".weight"].Data, bias, inQ, outQ, inData, inShape)
                : Reference(precision, weight, bias, inQ, outQ, ToChannelLast(inData, inShape), inShape, outShape, kernel, stride);
            int[] theirs = ToChannelLast(actual, outShape);
            for (int i = 0; i < expected.Length; i++)
            {
                int steps = Math.Abs(expected[i] - theirs[i]);
                if (isDepthwise)
                {
                    depthwiseIdentical += steps == 0 ? 1 : 0;
                    depthwiseWorst = Math.Max(depthwiseWorst, steps);
                }
                else
                {
                    identical += steps == 0 ? 1 : 0;
                    worst = Math.Max(worst, steps);
                }
            }
            if (isDepthwise)
            {
                depthwiseElements += expected.Length;
                depthwise++;
            }
            else
            {
                elements += expected.Length;
                convolutions++;
            }
        }
        if (precision == ModelPrecision.Int8 && level == GraphOptimizationLevel.ORT_ENABLE_ALL)
        {
            // ONNX Runtime really fused them: its optimized graph runs QLinearConv, one per int8 convolution with a u8 output,
            // depthwise ones included.
            int fused = run.Optimized!.Nodes.Count(n => n.OpType == "QLinearConv");
            output.WriteLine($"ONNX Runtime's optimized graph: {fused} QLinearConv");
            Assert.Equal(convolutions + depthwise, fused);
        }
        output.WriteLine($"{precision}, {level}: {convolutions} convolutions recomputed from ONNX Runtime's inputs, {elements} elements, " +
            $"{identical} identical ({100.0 * identical / elements:F4}%), largest difference {worst} step(s)");
        Assert.True(convolutions + depthwise >= 50, $"only {convolutions + depthwise} convolutions with a quantized output were found");
        Assert.True(worst <= allowedSteps, $"an element differs by {worst} steps (allowed: {allowedSteps})");
        if (depthwise > 0)
        {
            // int8: the integer kernel's rule, which QLinearConv follows bit for bit; int16: the float rule, which ONNX
            // Runtime's float Conv on the same dequantized values follows up to the order of its additions.
            output.WriteLine($"{depthwise} depthwise convolutions, {depthwiseElements} elements, {depthwiseIdentical} identical " +
                $"({100.0 * depthwiseIdentical / depthwiseElements:F4}%), largest difference {depthwiseWorst} step(s)");
            Assert.True(depthwiseWorst <= Math.Max(allowedSteps, precision == ModelPrecision.Int16 ? 1 : 0),
                $"a depthwise element differs by {depthwiseWorst} steps (allowed: {allowedSteps})");
        }
        Assert.Equal(shape == "depthwise", depthwise > 0);
    }

    /// <summary>
    /// The engine's rule for a depthwise convolution (3x3, pad 1, with its ReLU) on an NCHW input, as a channel-last
    /// result: in an int8 model the integer reference kernel; in an int16 model
    /// (<see cref="QuantizedModel.RunsDepthwiseBetweenQuantizedMaps"/>) the float reference on the dequantized input and
    /// weights, the result quantized.
    /// </summary>
    private static int[] DepthwiseReference(ModelPrecision precision, QuantizedWeight weight, float[] weights, float[] bias, ActivationQuantization inQ,
        ActivationQuantization outQ, int[] nchw, long[] shape)
    {
        int channels = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        if (precision == ModelPrecision.Int8)
        {
            var quantized = new QuantizedConvWeights(weight.ToInt8(), weight.Scales, bias, inQ, outQ);
            var bytes = new byte[nchw.Length];
            QuantizedReferenceKernels.Depthwise3x3(Array.ConvertAll(ToChannelLast(nchw, shape), v => (byte)v), h, w, channels, inQ.ZeroPoint, quantized.Weights,
                quantized.BiasQ, quantized.Multipliers, outQ.ZeroPoint, relu: true, bytes);
            return Array.ConvertAll(bytes, v => (int)v);
        }
        var floats = new float[nchw.Length];
        ReferenceKernels.DepthwiseConv3x3(Array.ConvertAll(nchw, v => inQ.DequantizeInt16((short)v)), channels, h, w, weights, bias, floats, relu: true);
        return ToChannelLast(Array.ConvertAll(floats, v => (int)outQ.QuantizeInt16(v)), shape);
    }

    /// <summary>The engine's reference convolution (with its ReLU) on a channel-last input, as ints.</summary>
    private static int[] Reference(ModelPrecision precision, QuantizedWeight weight, float[] bias, ActivationQuantization inQ, ActivationQuantization outQ,
        int[] input, long[] inShape, long[] outShape, int kernel, int stride)
    {
        int h = (int)inShape[2], w = (int)inShape[3], c = (int)inShape[1], o = (int)outShape[1];
        int length = o * (int)outShape[2] * (int)outShape[3];
        if (precision == ModelPrecision.Int16)
        {
            var (biasQ, multipliers, _) = QuantizedConvWeights.QuantizeBias(bias, weight.Scales, inQ, outQ, Int16DirectConv.MaxStartValue);
            var result = new short[length];
            Int16ReferenceKernels.Conv(Array.ConvertAll(input, v => (short)v), h, w, c, weight.Values, biasQ, o, kernel, stride, kernel / 2, multipliers, relu: true, result);
            return Array.ConvertAll(result, v => (int)v);
        }
        sbyte[] values = weight.ToInt8();
        var quantized = new QuantizedConvWeights(values, weight.Scales, bias, inQ, outQ);
        var bytes = new byte[length];
        QuantizedReferenceKernels.Conv(Array.ConvertAll(input, v => (byte)v), h, w, c, inQ.ZeroPoint, values, quantized.BiasQ, o, kernel, stride, kernel / 2,
            quantized.Multipliers, outQ.ZeroPoint, relu: true, bytes);
        return Array.ConvertAll(bytes, v => (int)v);
    }

    [Theory]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, "full")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_DISABLE_ALL, "full")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, "full")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, "pruned")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, "pruned")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_ENABLE_ALL, "depthwise")]
    [InlineData(ModelPrecision.Int8, GraphOptimizationLevel.ORT_DISABLE_ALL, "depthwise")]
    [InlineData(ModelPrecision.Int16, GraphOptimizationLevel.ORT_ENABLE_ALL, "depthwise")]
    public void Quantized_model_in_qdq_form_matches_the_engine_end_to_end(ModelPrecision precision, GraphOptimizationLevel level, string shape)
    {
        var run = Run(precision, level, Shape(shape));
        long elements = 0, identical = 0;
        int activations = 0;
        foreach (var (name, (_, theirs)) in run.Maps)
        {
            var q = run.Model.Quantization!.Activation(name[..^".quantized".Length]);
            float[] mine = run.Activations[name[..^".quantized".Length]];
            Assert.Equal(mine.Length, theirs.Length);
            for (int i = 0; i < mine.Length; i++)
                identical += (int)MathF.Round(mine[i] / q.Scale) + q.ZeroPoint == theirs[i] ? 1 : 0;
            elements += mine.Length;
            activations++;
        }
        Assert.True(run.Maps.ContainsKey(ActivationNames.Image + ".quantized"));
        float largest = 0, maxDiff = 0;
        for (int i = 0; i < run.Heatmaps.Length; i++)
        {
            largest = MathF.Max(largest, MathF.Abs(run.Heatmaps[i]));
            maxDiff = MathF.Max(maxDiff, MathF.Abs(run.Heatmaps[i] - run.TheirHeatmaps[i]));
        }
        double share = (double)identical / elements;
        output.WriteLine($"{precision}, {level}: {activations} quantized activations, {elements} elements, {identical} identical ({100 * share:F3}%); " +
            $"heatmaps max |difference| {maxDiff:G4} = {maxDiff / largest:G4} x max |output| ({largest:G4})");
        Assert.True(share >= 0.95, $"only {100 * share:F2}% of the quantized elements are identical");
        Assert.True(maxDiff <= 0.01f * largest, $"heatmaps differ by {maxDiff} (max |output| {largest})");
    }

    private sealed record RunResult(HourglassModelFile Model, OnnxModelView View, Dictionary<string, float[]> Activations, float[] Heatmaps,
        float[] TheirHeatmaps, Dictionary<string, (long[] Shape, int[] Data)> Maps, OnnxModelView? Optimized);

    /// <summary>The engine and ONNX Runtime on one image: the engine's activations (dequantized) and ONNX Runtime's quantized maps by their graph output names.</summary>
    private RunResult Run(ModelPrecision precision, GraphOptimizationLevel level, HourglassArchitecture arch)
    {
        var model = Quantized(arch, precision, seed: 3);
        float[] image = TestInputs.Images(arch, 1, seed: 11);
        var activations = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] heatmaps;
        using (var network = model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 }))
        {
            heatmaps = network.Run(image);
            network.ProbeActivations(image, (name, values) => activations[name] = values);
        }

        byte[] onnx = HourglassOnnxExporter.ExportToBytes(model, out var summary, new OnnxExportOptions { QuantizedActivations = true });
        output.WriteLine($"{arch}: {summary}");
        var view = new OnnxModelView(onnx);
        var names = view.Outputs.Skip(1).Select(o => o.Name).ToList();
        string optimizedPath = Path.Combine(Path.GetTempPath(), $"hourglass-qdq-{Guid.NewGuid():N}.onnx");
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 2 };
        if (level == GraphOptimizationLevel.ORT_ENABLE_ALL)
            options.OptimizedModelFilePath = optimizedPath;
        using var session = new InferenceSession(onnx, options);
        OnnxModelView? optimized = null;
        if (File.Exists(optimizedPath))
        {
            optimized = new OnnxModelView(File.ReadAllBytes(optimizedPath));
            File.Delete(optimizedPath);
        }
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, arch.InputHeight, arch.InputWidth]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [HourglassOnnxExporter.InputName], [input], [HourglassOnnxExporter.OutputName, .. names]);
        var maps = new Dictionary<string, (long[], int[])>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            var value = results[i + 1];
            int[] data = precision == ModelPrecision.Int16
                ? Array.ConvertAll(value.GetTensorDataAsSpan<short>().ToArray(), v => (int)v)
                : Array.ConvertAll(value.GetTensorDataAsSpan<byte>().ToArray(), v => (int)v);
            maps[names[i]] = (value.GetTensorTypeAndShape().Shape, data);
        }
        return new RunResult(model, view, activations, heatmaps, results[0].GetTensorDataAsSpan<float>().ToArray(), maps, optimized);
    }

    /// <summary>[1, C, H, W] → [H][W][C].</summary>
    private static int[] ToChannelLast(int[] nchw, long[] shape)
    {
        int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        var hwc = new int[nchw.Length];
        for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < h * w; p++)
            hwc[p * c + ch] = nchw[ch * h * w + p];
        return hwc;
    }

    /// <summary>A random-weight model quantized on random images (percentile calibration for int8, minmax for int16, as docs/quantization.md advises).</summary>
    private static HourglassModelFile Quantized(HourglassArchitecture arch, ModelPrecision precision, int seed)
    {
        var model = new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, seed));
        var calibration = Enumerable.Range(0, 4).Select(i => TestInputs.Images(arch, 1, seed: 100 + i)).ToList();
        var method = precision == ModelPrecision.Int16 ? CalibrationMethod.MinMax : CalibrationMethod.Percentile;
        return HourglassQuantizer.Quantize(model, calibration, new QuantizationOptions { Precision = precision, Method = method }).Model;
    }
}

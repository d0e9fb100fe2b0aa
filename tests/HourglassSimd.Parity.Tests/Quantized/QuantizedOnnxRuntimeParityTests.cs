using HourglassSimd.Interop.Onnx;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Parity.Tests.Support;
using HourglassSimd.Quantization;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.Quantized;

/// <summary>
/// An int8 model exported in QDQ form (<see cref="HourglassOnnxExporter"/>) runs in ONNX Runtime and computes what the
/// engine's int8 plan computes. With ONNX Runtime's optimizations on, its QDQ fusion turns the int8 convolutions into
/// <c>QLinearConv</c> (its own int8 kernels); with them off it runs the graph as written (float convolutions on
/// dequantized values, then <c>QuantizeLinear</c>).
/// <list type="bullet">
/// <item>Operator by operator: each int8 convolution recomputed by the engine's reference kernel from ONNX Runtime's own
/// u8 input equals ONNX Runtime's u8 output bit for bit under <c>QLinearConv</c>, and within one quantization step
/// when it runs in float.</item>
/// <item>End to end: where the two pipelines' float arithmetic rounds differently (a batch norm on a u8 map is one fused
/// multiply-add in the engine, a dequantize, a batch norm and a quantize in ONNX), an element can land one step apart;
/// such a difference then travels downstream. The share of identical elements and the heatmap difference are reported
/// and bounded.</item>
/// </list>
/// </summary>
public sealed class QuantizedOnnxRuntimeParityTests(ITestOutputHelper output)
{
    private static readonly HourglassArchitecture Arch = new(stacks: 2, features: 64, joints: 16, inputHeight: 64, inputWidth: 128);

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL, 0)]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL, 1)]
    public void Each_int8_convolution_equals_the_reference_on_onnx_runtimes_own_input(GraphOptimizationLevel level, int allowedSteps)
    {
        var run = Run(level);
        int convolutions = 0;
        long elements = 0, identical = 0;
        int worst = 0;
        foreach (var conv in run.View.Nodes.Where(n => n.OpType == "Conv"))
        {
            string outputName = conv.Name + ".quantized";
            if (!run.U8.ContainsKey(outputName) || !run.Model.Quantization!.Weights.TryGetValue(conv.Name, out var weight))
                continue; // a float convolution, or an int8 one with a float output
            string inputName = run.View.Nodes.Single(n => n.Name == conv.Inputs[0]).Inputs[0];
            var (inShape, inData) = run.U8[inputName];
            var (outShape, actual) = run.U8[outputName];
            int kernel = (int)run.View.Nodes.Single(n => n.Name == conv.Name).Attributes["kernel_shape"].Ints(8)[0];
            int stride = (int)inShape[2] / (int)outShape[2];
            var inQ = run.Model.Quantization.Activation(inputName[..^".quantized".Length]);
            var outQ = run.Model.Quantization.Activation(conv.Name);
            sbyte[] values = weight.ToInt8();
            var quantized = new QuantizedConvWeights(values, weight.Scales, run.Model.Weights.Tensors[conv.Name + ".bias"].Data, inQ, outQ);

            var expected = new byte[actual.Length];
            QuantizedReferenceKernels.Conv(ToChannelLast(inData, inShape), (int)inShape[2], (int)inShape[3], (int)inShape[1], inQ.ZeroPoint,
                values, quantized.BiasQ, (int)outShape[1], kernel, stride, kernel / 2, quantized.Multipliers, outQ.ZeroPoint, relu: true, expected);
            byte[] theirs = ToChannelLast(actual, outShape);
            for (int i = 0; i < expected.Length; i++)
            {
                int steps = Math.Abs(expected[i] - theirs[i]);
                identical += steps == 0 ? 1 : 0;
                worst = Math.Max(worst, steps);
            }
            elements += expected.Length;
            convolutions++;
        }
        if (level == GraphOptimizationLevel.ORT_ENABLE_ALL)
        {
            // ONNX Runtime really fused them: its optimized graph runs QLinearConv, one per int8 convolution with a u8 output.
            int fused = run.Optimized!.Nodes.Count(n => n.OpType == "QLinearConv");
            output.WriteLine($"ONNX Runtime's optimized graph: {fused} QLinearConv");
            Assert.Equal(convolutions, fused);
        }
        output.WriteLine($"{level}: {convolutions} int8 convolutions recomputed from ONNX Runtime's inputs, {elements} elements, " +
            $"{identical} identical ({100.0 * identical / elements:F4}%), largest difference {worst} step(s)");
        Assert.True(convolutions >= 50, $"only {convolutions} int8 convolutions with a u8 output were found");
        Assert.True(worst <= allowedSteps, $"an element differs by {worst} steps (allowed: {allowedSteps})");
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL)]
    public void Int8_model_in_qdq_form_matches_the_engine_end_to_end(GraphOptimizationLevel level)
    {
        var run = Run(level);
        long elements = 0, identical = 0;
        int activations = 0;
        foreach (var (name, (shape, theirs)) in run.U8)
        {
            var q = run.Model.Quantization!.Activation(name[..^".quantized".Length]);
            float[] mine = run.Activations[name[..^".quantized".Length]];
            Assert.Equal(mine.Length, theirs.Length);
            for (int i = 0; i < mine.Length; i++)
                identical += (int)MathF.Round(mine[i] / q.Scale) + q.ZeroPoint == theirs[i] ? 1 : 0;
            elements += mine.Length;
            activations++;
        }
        Assert.True(run.U8.ContainsKey(ActivationNames.Image + ".quantized"));
        float largest = 0, maxDiff = 0;
        for (int i = 0; i < run.Heatmaps.Length; i++)
        {
            largest = MathF.Max(largest, MathF.Abs(run.Heatmaps[i]));
            maxDiff = MathF.Max(maxDiff, MathF.Abs(run.Heatmaps[i] - run.TheirHeatmaps[i]));
        }
        double share = (double)identical / elements;
        output.WriteLine($"{level}: {activations} u8 activations, {elements} elements, {identical} identical ({100 * share:F3}%); " +
            $"heatmaps max |difference| {maxDiff:G4} = {maxDiff / largest:G4} x max |output| ({largest:G4})");
        Assert.True(share >= 0.95, $"only {100 * share:F2}% of the u8 elements are identical");
        Assert.True(maxDiff <= 0.01f * largest, $"heatmaps differ by {maxDiff} (max |output| {largest})");
    }

    private sealed record RunResult(HourglassModelFile Model, OnnxModelView View, Dictionary<string, float[]> Activations, float[] Heatmaps,
        float[] TheirHeatmaps, Dictionary<string, (long[] Shape, byte[] Data)> U8, OnnxModelView? Optimized);

    /// <summary>The engine and ONNX Runtime on one image: the engine's activations (dequantized) and ONNX Runtime's u8 maps by their graph output names.</summary>
    private RunResult Run(GraphOptimizationLevel level)
    {
        var model = Quantized(Arch, seed: 3);
        float[] image = TestInputs.Images(Arch, 1, seed: 11);
        var activations = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] heatmaps;
        using (var network = model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 }))
        {
            heatmaps = network.Run(image);
            network.ProbeActivations(image, (name, values) => activations[name] = values);
        }

        byte[] onnx = HourglassOnnxExporter.ExportToBytes(model, out var summary, new OnnxExportOptions { QuantizedActivations = true });
        output.WriteLine($"{Arch}: {summary}");
        var view = new OnnxModelView(onnx);
        var names = view.Outputs.Skip(1).Select(o => o.Name).ToList();
        string optimizedPath = Path.Combine(Path.GetTempPath(), $"hourglass-qdq-{Guid.NewGuid():N}.onnx");
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 2, };
        if (level == GraphOptimizationLevel.ORT_ENABLE_ALL)
            options.OptimizedModelFilePath = optimizedPath;
        using var session = new InferenceSession(onnx, options);
        OnnxModelView? optimized = null;
        if (File.Exists(optimizedPath))
        {
            optimized = new OnnxModelView(File.ReadAllBytes(optimizedPath));
            File.Delete(optimizedPath);
        }
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, Arch.InputHeight, Arch.InputWidth]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [HourglassOnnxExporter.InputName], [input], [HourglassOnnxExporter.OutputName, .. names]);
        var u8 = new Dictionary<string, (long[], byte[])>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            u8[names[i]] = (results[i + 1].GetTensorTypeAndShape().Shape, results[i + 1].GetTensorDataAsSpan<byte>().ToArray());
        return new RunResult(model, view, activations, heatmaps, results[0].GetTensorDataAsSpan<float>().ToArray(), u8, optimized);
    }

    /// <summary>[1, C, H, W] → [H][W][C].</summary>
    private static byte[] ToChannelLast(byte[] nchw, long[] shape)
    {
        int c = (int)shape[1], h = (int)shape[2], w = (int)shape[3];
        var hwc = new byte[nchw.Length];
        for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < h * w; p++)
            hwc[p * c + ch] = nchw[ch * h * w + p];
        return hwc;
    }

    /// <summary>A random-weight model quantized on random images (percentile calibration, as a user would run it).</summary>
    private static HourglassModelFile Quantized(HourglassArchitecture arch, int seed)
    {
        var model = new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, seed));
        var calibration = Enumerable.Range(0, 4).Select(i => TestInputs.Images(arch, 1, seed: 100 + i)).ToList();
        return HourglassQuantizer.Quantize(model, calibration, new QuantizationOptions { Method = CalibrationMethod.Percentile }).Model;
    }
}

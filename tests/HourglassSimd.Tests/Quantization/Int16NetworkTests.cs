using HourglassSimd.Kernels.Int16;
using HourglassSimd.Quantization;
using HourglassSimd.Topology;

namespace HourglassSimd.Tests.Quantization;

/// <summary>
/// Whole int16 networks: post-training quantization to int16, the int16 plan on every kernel path, each of its layers
/// against the scalar rules on the plan's own probed tensors, and the int16 <c>.hgw</c> format.
/// </summary>
public sealed class Int16NetworkTests
{
    private static readonly HourglassArchitecture Small = new(stacks: 2, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);

    private static HourglassModelFile FloatModel(HourglassArchitecture arch, int seed) => new(arch, HourglassWeights.CreateRandom(arch, seed));

    private static readonly QuantizationOptions Int16 = new() { Precision = ModelPrecision.Int16 };

    [Fact]
    public void Int16_heatmaps_follow_the_float_ones_far_closer_than_int8()
    {
        var model = FloatModel(Small, 3);
        var calibration = QuantizedNetworkTests.Images(Small, 6, 1);
        var int8 = HourglassQuantizer.Quantize(model, calibration);
        var int16 = HourglassQuantizer.Quantize(model, calibration, Int16);
        Assert.Equal(ModelPrecision.Int16, int16.Model.Precision);
        // 12-bit activations and 9- to 12-bit weights against 8-bit and 7-bit ones: about 4 bits, 24 dB, less noise.
        for (int s = 0; s < Small.Stacks; s++)
            Assert.True(int16.HeatmapSqnrDb[s] > int8.HeatmapSqnrDb[s] + 15 && int16.HeatmapSqnrDb[s] > 40,
                $"stack {s}: int16 {int16.HeatmapSqnrDb[s]:F1} dB, int8 {int8.HeatmapSqnrDb[s]:F1} dB");
        Assert.All(int16.Tensors.Where(t => t.Kind == "activation"), t => Assert.Equal(0, t.ZeroPoint));

        using var floatNet = model.CreateNetwork();
        using var int16Net = int16.Model.CreateNetwork();
        Assert.Equal(ModelPrecision.Int16, int16Net.Precision);
        Assert.StartsWith("int16 ", int16Net.QuantizedKernels, StringComparison.Ordinal);
        Assert.Null(int16Net.Int8Path);
        var image = QuantizedNetworkTests.Images(Small, 1, 99)[0];
        float[] f = floatNet.Run(image), q = int16Net.Run(image);
        double signal = f.Sum(v => (double)v * v), noise = f.Zip(q, (a, b) => (double)(a - b) * (a - b)).Sum();
        Assert.True(10 * Math.Log10(signal / noise) > 40, $"SQNR {10 * Math.Log10(signal / noise):F1} dB on an unseen image");
    }

    [Fact]
    public void Mse_calibration_is_refused_for_int16()
    {
        var error = Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(FloatModel(Small, 1), QuantizedNetworkTests.Images(Small, 1, 1),
            Int16 with { Method = CalibrationMethod.Mse }));
        Assert.Contains("minmax or percentile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_int16_path_and_thread_count_gives_bitwise_the_same_heatmaps()
    {
        var quantized = HourglassQuantizer.Quantize(FloatModel(Small, 5), QuantizedNetworkTests.Images(Small, 2, 2), Int16).Model;
        var images = QuantizedNetworkTests.Images(Small, 2, 7);
        float[] batch = [.. images[0], .. images[1]];
        float[]? first = null;
        var paths = Enum.GetValues<Int16KernelPath>().Where(Int16KernelPaths.IsSupported).ToList();
        Assert.Contains(Int16KernelPath.Scalar, paths);
        foreach (var path in paths)
        foreach (int threads in new[] { 1, 2 })
        {
            using var net = quantized.CreateNetwork(new HourglassOptions { Int16Path = path, MaxDegreeOfParallelism = threads });
            Assert.Equal(path.ToString(), net.Int16Path);
            float[] heatmaps = net.Run(batch);
            first ??= heatmaps;
            Assert.True(first.AsSpan().SequenceEqual(heatmaps), $"{path} on {threads} thread(s) differs from the first path");
            Assert.True(net.Run(images[1]).AsSpan().SequenceEqual(heatmaps.AsSpan(heatmaps.Length / 2)), $"{path}: one image differs from its batch");
        }
    }

    /// <summary>
    /// Each layer of the plan recomputed by the scalar rules from the tensors the plan itself wrote (read back with
    /// <see cref="HourglassNetwork.ProbeActivations"/>): int16 convolutions by <see cref="Int16ReferenceKernels.Conv"/>,
    /// batch norms on an s16 map by <see cref="Int16Requantization.ScaleShiftRelu"/>, and on a float map by
    /// <see cref="ActivationQuantization.QuantizeInt16"/> of the fused multiply-add. Bit for bit.
    /// </summary>
    [Fact]
    public void Each_int16_layer_equals_the_scalar_rules_on_its_own_input()
    {
        var arch = new HourglassArchitecture(stacks: 1, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);
        var model = HourglassQuantizer.Quantize(FloatModel(arch, 8), QuantizedNetworkTests.Images(arch, 2, 8), Int16 with { Method = CalibrationMethod.Percentile }).Model;
        var q = model.Quantization!;
        var probes = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using (var net = model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 }))
            net.ProbeActivations(QuantizedNetworkTests.Images(arch, 1, 9)[0], (name, values) => probes[name] = values);

        var steps = new InputsOf();
        HourglassTopology.Walk(arch, steps);
        int convolutions = 0, fromShorts = 0, fromFloats = 0;
        foreach (var (step, input, height, width) in steps.Convolutions)
        {
            if (step.Prologue is { } p && probes.ContainsKey(input))
            {
                float[] scale = model.Weights.Get(p.Name + ".scale").Data, shift = model.Weights.Get(p.Name + ".shift").Data;
                var outQ = q.Activation(p.Name);
                short[] actual = Shorts(probes[p.Name], outQ);
                bool quantizedInput = q.Activations.ContainsKey(input) && input != ActivationNames.Image && probes[input].Length == actual.Length
                    && IsQuantizedMap(step, input, steps);
                for (int i = 0; i < actual.Length; i++)
                {
                    int c = i / (height * width);
                    short expected;
                    if (quantizedInput)
                    {
                        var inQ = q.Activation(input);
                        short x = (short)MathF.Round(probes[input][i] / inQ.Scale);
                        expected = Int16Requantization.ScaleShiftRelu(x, inQ.Scale * scale[c] / outQ.Scale, shift[c] / outQ.Scale);
                    }
                    else
                        expected = outQ.QuantizeInt16(MathF.Max(MathF.FusedMultiplyAdd(probes[input][i], scale[c], shift[c]), 0));
                    Assert.True(expected == actual[i], $"{p.Name}[{i}]: {actual[i]}, expected {expected}");
                }
                if (quantizedInput) fromShorts++; else fromFloats++;
            }
            string convInput = step.Prologue?.Name ?? input;
            if (!step.Relu || !q.Weights.TryGetValue(step.Name, out var weight) || !probes.ContainsKey(convInput) || !IsQuantizedMap(step, convInput, steps))
                continue;
            var xQ = q.Activation(convInput);
            var yQ = q.Activation(step.Name);
            var (biasQ, multipliers, _) = QuantizedConvWeights.QuantizeBias(model.Weights.Get(step.Name + ".bias").Data, weight.Scales, xQ, yQ, Int16DirectConv.MaxStartValue);
            short[] x16 = ChannelLast(Shorts(probes[convInput], xQ), step.InChannels, height, width);
            int outH = step.OutputSize(height), outW = step.OutputSize(width);
            var expectedOut = new short[step.OutChannels * outH * outW];
            Int16ReferenceKernels.Conv(x16, height, width, step.InChannels, weight.Values, biasQ, step.OutChannels, step.KernelSize, step.Stride, step.Padding,
                multipliers, relu: true, expectedOut);
            short[] actualOut = ChannelLast(Shorts(probes[step.Name], yQ), step.OutChannels, outH, outW);
            Assert.True(expectedOut.AsSpan().SequenceEqual(actualOut), $"{step.Name} differs from the reference");
            convolutions++;
        }
        Assert.True(convolutions >= 10 && fromShorts >= 1 && fromFloats >= 5, $"{convolutions} convolutions, {fromShorts} + {fromFloats} batch norms checked");
    }

    /// <summary>Whether <paramref name="name"/> is an s16 map when <paramref name="step"/> reads it: the image, a prologue's or a ReLU convolution's output.</summary>
    private static bool IsQuantizedMap(ConvStep step, string name, InputsOf steps) =>
        name == ActivationNames.Image || name == step.Prologue?.Name || steps.ReluOutputs.Contains(name);

    private static short[] Shorts(float[] values, ActivationQuantization q) => Array.ConvertAll(values, v => (short)MathF.Round(v / q.Scale));

    private static short[] ChannelLast(short[] chw, int channels, int height, int width)
    {
        var hwc = new short[chw.Length];
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < height * width; p++)
            hwc[p * channels + c] = chw[c * height * width + p];
        return hwc;
    }

    /// <summary>Each convolution step with the name of the activation it reads (before its prologue) and that input's size.</summary>
    private sealed class InputsOf : IHourglassVisitor<InputsOf.Named>
    {
        public sealed record Named(string Name, int Height, int Width);

        public List<(ConvStep Step, string Input, int Height, int Width)> Convolutions { get; } = [];

        public HashSet<string> ReluOutputs { get; } = new(StringComparer.Ordinal);

        public Named Image(int channels) => new(ActivationNames.Image, Small.InputHeight, Small.InputWidth);

        public Named Convolution(ConvStep step, Named input, Named? residual)
        {
            Convolutions.Add((step, input.Name, input.Height, input.Width));
            if (step.Relu)
                ReluOutputs.Add(step.Name);
            return new Named(step.Name, step.OutputSize(input.Height), step.OutputSize(input.Width));
        }

        public Named MaxPool(string name, Named input) => new(name + ".pool", input.Height / 2, input.Width / 2);

        public Named UpsampleAdd(string name, Named low, Named skip) => new(ActivationNames.OfUpsampleAdd(name), skip.Height, skip.Width);

        public void Heatmaps(int stack, Named heatmaps)
        {
        }
    }

    [Fact]
    public void A_saved_int16_model_loads_to_the_same_network_at_most_0_55x_the_float_size()
    {
        var arch = new HourglassArchitecture(stacks: 2, features: 64, joints: 16, inputHeight: 64, inputWidth: 64);
        var model = FloatModel(arch, 4);
        var quantized = HourglassQuantizer.Quantize(model, QuantizedNetworkTests.Images(arch, 2, 4), Int16).Model;
        using var floatFile = new MemoryStream();
        using var int16File = new MemoryStream();
        model.Save(floatFile);
        quantized.Save(int16File);
        Assert.True(int16File.Length <= 0.55 * floatFile.Length, $"{int16File.Length} bytes against {floatFile.Length}");

        int16File.Position = 0;
        var loaded = HourglassModelFile.Load(int16File);
        Assert.Equal(ModelPrecision.Int16, loaded.Precision);
        Assert.Equal(HourglassModelFile.QuantizedFormatVersion, loaded.Version);
        var image = QuantizedNetworkTests.Images(arch, 1, 5)[0];
        using var before = quantized.CreateNetwork();
        using var after = loaded.CreateNetwork();
        Assert.True(before.Run(image).AsSpan().SequenceEqual(after.Run(image)));
        // Every weight within its convolution's bound, so no int32 sum can overflow.
        foreach (var step in WeightLayout.Blocks(arch).OfType<ConvStep>())
        {
            int bound = Int16DirectConv.MaxWeightFor(step.InChannels * step.KernelSize * step.KernelSize);
            Assert.All(loaded.Quantization!.Weights[step.Name].Values, v => Assert.InRange(v, -bound, bound));
            Assert.Equal(bound, loaded.Quantization.Weights[step.Name].Values.Max(v => Math.Abs((int)v))); // the largest weight uses the whole bound
        }
    }
}

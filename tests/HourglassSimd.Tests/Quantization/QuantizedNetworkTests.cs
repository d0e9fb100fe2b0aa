using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Quantization;

/// <summary>
/// Whole quantized networks: post-training quantization of random-weight models, the int8 plan on every kernel path,
/// and the quantized <c>.hgw</c> format.
/// </summary>
public sealed class QuantizedNetworkTests
{
    private static readonly HourglassArchitecture Small = new(stacks: 2, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);

    /// <summary>Smooth images in [0, 1] (sums of a few random waves per channel), like normalized photographs.</summary>
    internal static List<float[]> Images(HourglassArchitecture arch, int count, int seed)
    {
        var random = new Random(seed);
        var images = new List<float[]>();
        for (int n = 0; n < count; n++)
        {
            var image = new float[3 * arch.InputHeight * arch.InputWidth];
            for (int c = 0; c < 3; c++)
            {
                double fx = random.NextDouble() * 0.3, fy = random.NextDouble() * 0.3, phase = random.NextDouble() * 6;
                for (int y = 0; y < arch.InputHeight; y++)
                for (int x = 0; x < arch.InputWidth; x++)
                    image[(c * arch.InputHeight + y) * arch.InputWidth + x] =
                        (float)(0.5 + 0.25 * Math.Sin(fx * x + fy * y + phase) + 0.2 * random.NextDouble());
            }
            images.Add(image);
        }
        return images;
    }

    private static HourglassModelFile FloatModel(HourglassArchitecture arch, int seed) => new(arch, HourglassWeights.CreateRandom(arch, seed));

    [Theory]
    [InlineData(CalibrationMethod.MinMax)]
    [InlineData(CalibrationMethod.Percentile)]
    [InlineData(CalibrationMethod.Mse)]
    public void Quantized_heatmaps_follow_the_float_ones(CalibrationMethod method)
    {
        var model = FloatModel(Small, 3);
        var result = HourglassQuantizer.Quantize(model, Images(Small, 6, 1), new QuantizationOptions { Method = method });
        Assert.Equal(ModelPrecision.Int8, result.Model.Precision);
        Assert.Equal(6, result.CalibrationImages);
        Assert.Equal(Small.Stacks, result.HeatmapSqnrDb.Count);
        // 8-bit activations through 2 stacks of random weights: each stack's heatmaps stay within a few percent of the
        // float ones (20 dB is a noise power of 1% of the signal's).
        Assert.All(result.HeatmapSqnrDb, db => Assert.True(db > 20, $"heatmap SQNR {db:F1} dB"));

        // On images it was not calibrated on too.
        using var floatNet = model.CreateNetwork();
        using var int8Net = result.Model.CreateNetwork();
        Assert.Equal(ModelPrecision.Int8, int8Net.Precision);
        Assert.Equal(ModelPrecision.Float32, floatNet.Precision);
        var image = Images(Small, 1, 99)[0];
        float[] f = floatNet.Run(image), q = int8Net.Run(image);
        double signal = f.Sum(v => (double)v * v), noise = f.Zip(q, (a, b) => (double)(a - b) * (a - b)).Sum();
        Assert.True(10 * Math.Log10(signal / noise) > 20, $"SQNR {10 * Math.Log10(signal / noise):F1} dB on an unseen image");
    }

    [Fact]
    public void The_report_gives_every_tensor_and_the_input_keeps_its_pixel_levels()
    {
        var model = FloatModel(Small, 12);
        int progress = 0;
        var result = HourglassQuantizer.Quantize(model, Images(Small, 3, 12), new QuantizationOptions { Method = CalibrationMethod.Mse },
            new SynchronousProgress(n => progress = n));
        Assert.Equal(6, progress); // mse reads the 3 images twice
        var activations = result.Tensors.Where(t => t.Kind == "activation").ToList();
        Assert.Equal(ActivationNames.Required(Small), activations.Select(t => t.Name));
        Assert.Equal(WeightLayout.Blocks(Small).OfType<Topology.ConvStep>().Count(), result.Tensors.Count(t => t.Kind == "weights"));
        Assert.All(result.Tensors, t => Assert.True(double.IsFinite(t.SqnrDb) && t.SqnrDb > 0, $"{t.Kind} {t.Name}: SQNR {t.SqnrDb}"));
        // The input's range is the normalization's (pixel / 255: [0, 1], one pixel level per step), not a measured one,
        // so the only error left is the rounding of interpolated values: about 53 dB for values spread over [0, 1].
        var image = activations[0];
        Assert.Equal((ActivationNames.Image, 0f, 1f, 1f / 255, 0), (image.Name, image.Min, image.Max, image.Scale, image.ZeroPoint));
        Assert.True(image.SqnrDb > 45, $"input SQNR {image.SqnrDb:F1} dB");
        // Every tensor, u8 or on the float residual stream, stays well above the noise of one 8-bit rounding per layer
        // taken 30 times over (25 dB); the least is reported with its name.
        var worst = activations.MinBy(t => t.SqnrDb)!;
        Assert.True(worst.SqnrDb > 25, $"{worst.Name}: SQNR {worst.SqnrDb:F1} dB");
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [Fact]
    public void Every_int8_path_gives_bitwise_the_same_heatmaps()
    {
        var quantized = HourglassQuantizer.Quantize(FloatModel(Small, 5), Images(Small, 2, 2)).Model;
        var image = Images(Small, 1, 7)[0];
        float[]? first = null;
        foreach (var path in Enum.GetValues<Int8KernelPath>().Where(Int8KernelPaths.IsSupported))
        {
            using var net = quantized.CreateNetwork(new HourglassOptions { Int8Path = path, MaxDegreeOfParallelism = 2 });
            Assert.Equal(path.ToString(), net.Int8Path);
            float[] heatmaps = net.Run(image);
            first ??= heatmaps;
            Assert.True(first.AsSpan().SequenceEqual(heatmaps), $"{path} differs from the first path");
        }
    }

    [Fact]
    public void Thread_counts_and_batches_give_bitwise_the_same_heatmaps()
    {
        var quantized = HourglassQuantizer.Quantize(FloatModel(Small, 6), Images(Small, 2, 3)).Model;
        var images = Images(Small, 2, 8);
        float[] batch = [.. images[0], .. images[1]];
        using var one = quantized.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        using var two = quantized.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 });
        float[] a = one.Run(batch), b = two.Run(batch), single = two.Run(images[1]);
        Assert.True(a.AsSpan().SequenceEqual(b));
        Assert.True(single.AsSpan().SequenceEqual(b.AsSpan(b.Length / 2)));
    }

    [Fact]
    public void A_saved_quantized_model_loads_to_the_same_network_and_is_under_a_third_of_the_float_size()
    {
        var arch = new HourglassArchitecture(stacks: 2, features: 64, joints: 16, inputHeight: 64, inputWidth: 64);
        var model = FloatModel(arch, 4);
        var quantized = HourglassQuantizer.Quantize(model, Images(arch, 2, 4), new QuantizationOptions { Method = CalibrationMethod.Percentile }).Model;
        using var floatFile = new MemoryStream();
        using var int8File = new MemoryStream();
        model.Save(floatFile);
        quantized.Save(int8File);
        Assert.True(int8File.Length <= 0.3 * floatFile.Length, $"{int8File.Length} bytes against {floatFile.Length}");

        int8File.Position = 0;
        var loaded = HourglassModelFile.Load(int8File);
        Assert.Equal(ModelPrecision.Int8, loaded.Precision);
        Assert.Equal(HourglassModelFile.QuantizedFormatVersion, loaded.Version);
        var image = Images(arch, 1, 5)[0];
        using var before = quantized.CreateNetwork();
        using var after = loaded.CreateNetwork();
        Assert.True(before.Run(image).AsSpan().SequenceEqual(after.Run(image)));

        // Saved again, it is the same file.
        using var again = new MemoryStream();
        loaded.Save(again);
        Assert.True(int8File.ToArray().AsSpan().SequenceEqual(again.ToArray()));
    }

    [Fact]
    public void Keeping_every_convolution_in_float_gives_the_float_network()
    {
        var model = FloatModel(Small, 21);
        var quantized = HourglassQuantizer.Quantize(model, Images(Small, 2, 21), new QuantizationOptions { KeepFloat = ["*"] }).Model;
        var image = Images(Small, 1, 22)[0];
        using var floatNet = model.CreateNetwork();
        using var keptNet = quantized.CreateNetwork();
        float[] expected = floatNet.Run(image), actual = keptNet.Run(image);
        float largest = expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * largest, $"heatmap value {i}: {actual[i]} against float's {expected[i]}");
    }

    [Theory]
    [InlineData("pre.0")]                  // the stem: the image is never quantized
    [InlineData("hgs.0.0.low1")]           // one residual module: its u8 input is dequantized once
    [InlineData("pre.1.conv2.conv")]       // a 3x3 alone: it reads a dequantized map with a halo; conv3 after it runs in float
    [InlineData("outs.*,merge_*")]         // the heads and merges (already float: the patterns change nothing but the file)
    public void Kept_convolutions_run_in_float_and_the_file_keeps_them(string patterns)
    {
        var model = FloatModel(Small, 23);
        var options = new QuantizationOptions { KeepFloat = patterns.Split(',') };
        var mixed = HourglassQuantizer.Quantize(model, Images(Small, 2, 23), options);
        var plain = HourglassQuantizer.Quantize(model, Images(Small, 2, 23));
        Assert.All(mixed.HeatmapSqnrDb, db => Assert.True(db > 20, $"heatmap SQNR {db:F1} dB"));
        var kept = WeightLayout.Blocks(Small).OfType<Topology.ConvStep>().Count(c => options.KeepFloat.Any(p => QuantizedModel.Matches(p, c.Name)));
        Assert.True(kept > 0);
        Assert.Equal(plain.Tensors.Count(t => t.Kind == "weights") - kept, mixed.Tensors.Count(t => t.Kind == "weights"));

        using var file = new MemoryStream();
        mixed.Model.Save(file);
        file.Position = 0;
        var loaded = HourglassModelFile.Load(file);
        Assert.Equal(options.KeepFloat, loaded.Quantization!.KeepFloat);
        var image = Images(Small, 1, 24)[0];
        using var before = mixed.Model.CreateNetwork();
        using var after = loaded.CreateNetwork();
        Assert.True(before.Run(image).AsSpan().SequenceEqual(after.Run(image)));
    }

    [Theory]
    [InlineData("pre.0", "pre.0.conv", true)]
    [InlineData("pre.0", "pre.01.conv", false)]   // a prefix ends at a dot
    [InlineData("pre", "pre.1.conv1.conv", true)]
    [InlineData("pre", "prefix.conv", false)]
    [InlineData("hgs.*.low2", "hgs.1.0.low2.up1.conv1.conv", true)]
    [InlineData("hgs.*.low2", "hgs.1.0.low1.conv1.conv", false)]
    [InlineData("*.conv2.conv", "hgs.0.0.up1.conv2.conv", true)]
    public void Keep_float_patterns_match_names_and_their_dotted_prefixes(string pattern, string name, bool expected) =>
        Assert.Equal(expected, QuantizedModel.Matches(pattern, name));

    [Fact]
    public void Runs_at_other_input_sizes()
    {
        var quantized = HourglassQuantizer.Quantize(FloatModel(Small, 9), Images(Small, 2, 9)).Model;
        using var net = quantized.CreateNetwork();
        var wide = Small.WithInputSize(64, 128);
        var heatmaps = net.Run(Images(wide, 1, 3)[0], 64, 128);
        Assert.Equal(net.OutputLength(1, 64, 128), heatmaps.Length);
        Assert.All(heatmaps, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Bad_calibration_and_requantizing_are_refused_with_a_message()
    {
        var model = FloatModel(Small, 1);
        var empty = Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(model, []));
        Assert.Contains("empty", empty.Message);
        var wrongSize = Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(model, [new float[10]]));
        Assert.Contains("3 x 64 x 64", wrongSize.Message);
        var image = Images(Small, 1, 1)[0];
        image[5] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(model, [image])).Message);
        var quantized = HourglassQuantizer.Quantize(model, Images(Small, 1, 1)).Model;
        var again = Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(quantized, Images(Small, 1, 1)));
        Assert.Contains("already quantized", again.Message);
        var nothing = Assert.Throws<ArgumentException>(() => HourglassQuantizer.Quantize(model, Images(Small, 1, 1), new QuantizationOptions { KeepFloat = ["hgs.9"] }));
        Assert.Contains("matches no convolution", nothing.Message);
    }

    /// <summary>A depthwise network with pruned widths on and off multiples of 16 (down to one channel, which is a full convolution).</summary>
    private static readonly HourglassArchitecture Depthwise = Small with
    {
        Block = ResidualBlock.Depthwise,
        Widths = new ResidualWidths([new("pre.1", 24), new("hgs.0.0.up1", 1), new("hgs.1.0.low3", 7)]),
    };

    [Theory]
    [InlineData(ModelPrecision.Int8)]
    [InlineData(ModelPrecision.Int16)]
    public void A_depthwise_network_quantizes_with_its_depthwise_convolutions_in_float_between_quantized_maps(ModelPrecision precision)
    {
        var model = FloatModel(Depthwise, 31);
        var result = HourglassQuantizer.Quantize(model, Images(Depthwise, 4, 31), new QuantizationOptions { Precision = precision });
        Assert.Equal(precision, result.Model.Precision);
        Assert.All(result.HeatmapSqnrDb, db => Assert.True(db > 20, $"heatmap SQNR {db:F1} dB"));
        var depthwise = WeightLayout.Blocks(Depthwise).OfType<Topology.ConvStep>().Where(c => c.IsDepthwise).ToList();
        // Each depthwise output is a quantized map of its own (what conv3 reads), calibrated and within the noise of a rounding or two.
        var reported = result.Tensors.Where(t => t.Kind == "activation").ToDictionary(t => t.Name);
        Assert.All(depthwise, c => Assert.True(reported[ActivationNames.Of(c)].SqnrDb > 25, $"{c.Name}: SQNR {reported[ActivationNames.Of(c)].SqnrDb:F1} dB"));

        // The plan: int8 runs the integer depthwise kernel between u8 maps; int16 the float one between a dequantize and
        // a quantize. conv3 stays integer either way.
        using var net = result.Model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 });
        var layers = Layers(net, Depthwise);
        string element = precision == ModelPrecision.Int8 ? "int8" : "int16";
        string kernel = precision == ModelPrecision.Int8 ? "int8 dwconv3x3" : "dwconv3x3";
        int at = layers.FindIndex(l => l.StartsWith($"{kernel} 24 @32x32", StringComparison.Ordinal)); // pre.1's, after the 7x7/2 stem
        Assert.True(at > 0, string.Join("\n", layers));
        if (precision == ModelPrecision.Int16)
        {
            Assert.StartsWith("dequantize (int16)", layers[at - 1]);
            Assert.StartsWith("quantize (int16)", layers[at + 1]);
        }
        else
        {
            Assert.StartsWith("int8 conv1x1 64->24", layers[at - 1]); // conv1's u8 map, read as it is
        }
        Assert.StartsWith($"{element} conv1x1 24->128", layers.Skip(at).First(l => l.Contains("24->128", StringComparison.Ordinal))); // conv3, integer
        Assert.Equal(depthwise.Count, layers.Count(l => l.StartsWith($"{kernel} ", StringComparison.Ordinal)));

        // One thread or two, one image or a batch: the same bits; and the saved file loads to the same network.
        var images = Images(Depthwise, 2, 32);
        using var one = result.Model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        float[] batch = [.. images[0], .. images[1]];
        float[] a = one.Run(batch), b = net.Run(batch);
        Assert.True(a.AsSpan().SequenceEqual(b));
        Assert.True(net.Run(images[1]).AsSpan().SequenceEqual(b.AsSpan(b.Length / 2)));
        using var file = new MemoryStream();
        result.Model.Save(file);
        file.Position = 0;
        using var loaded = HourglassModelFile.Load(file).CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 2 });
        Assert.True(loaded.Run(batch).AsSpan().SequenceEqual(b));
    }

    [Fact]
    public void A_depthwise_convolution_kept_in_float_hands_conv3_a_float_map()
    {
        var model = FloatModel(Depthwise, 33);
        var result = HourglassQuantizer.Quantize(model, Images(Depthwise, 2, 33), new QuantizationOptions { KeepFloat = ["*.conv2"] });
        Assert.All(result.HeatmapSqnrDb, db => Assert.True(db > 20, $"heatmap SQNR {db:F1} dB"));
        Assert.DoesNotContain(result.Tensors, t => t.Kind == "weights" && t.Name.EndsWith(".conv2.conv", StringComparison.Ordinal));
        using var net = result.Model.CreateNetwork();
        var layers = Layers(net, Depthwise);
        int at = layers.FindIndex(l => l.StartsWith("dwconv3x3", StringComparison.Ordinal));
        Assert.StartsWith("conv1x1 24->128", layers.Skip(at).First(l => l.Contains("24->128", StringComparison.Ordinal))); // conv3 reads the float map in float
    }

    /// <summary>The plan's layers as the profile names them.</summary>
    private static List<string> Layers(HourglassNetwork net, HourglassArchitecture arch) =>
        [.. net.ProfileLayers(Images(arch, 1, 1)[0], 1).Select(p => p.Layer)];
}

using HourglassSimd.TestSupport;
using HourglassSimd.Topology;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>Networks whose residual modules have their own inner widths (what pruning produces).</summary>
public sealed class ResidualWidthsTests(ITestOutputHelper output)
{
    /// <summary>Widths on and off multiples of 16, down to 1, in the stem, the hourglasses and the feature residuals; a stem convolution of 13 channels.</summary>
    private static HourglassArchitecture Narrowed(ResidualBlock block) => new HourglassArchitecture(2, 32, 16, 64, 128) { Block = block, StemChannels = 13 } with
    {
        Widths = new ResidualWidths(new Dictionary<string, int>
        {
            ["pre.1"] = 17, ["pre.4"] = 5, ["hgs.0.0.up1"] = 1, ["hgs.0.0.low2.low2.low1"] = 13, ["hgs.1.0.low3"] = 33, ["features.1.0"] = 9,
        }),
    };

    [Theory]
    [InlineData(KernelIsa.Vector512, ResidualBlock.Bottleneck)]
    [InlineData(KernelIsa.Vector256, ResidualBlock.Bottleneck)]
    [InlineData(KernelIsa.Vector128, ResidualBlock.Depthwise)]
    [InlineData(KernelIsa.Scalar, ResidualBlock.Bottleneck)]
    [InlineData(KernelIsa.Vector512, ResidualBlock.Depthwise)]
    public void Narrowed_networks_match_the_reference(KernelIsa isa, ResidualBlock block) =>
        NetworkParityTests.CheckParity(Narrowed(block), isa, batch: 1, output);

    [Fact]
    public void Widths_set_the_module_shapes_and_the_counts()
    {
        var arch = Narrowed(ResidualBlock.Bottleneck) with { StemChannels = HourglassArchitecture.DefaultStemChannels };
        var plain = arch with { Widths = null };
        var modules = HourglassTopology.ResidualModules(arch);
        Assert.Equal(17, modules.Single(m => m.Prefix == "pre.1").InnerChannels);
        Assert.Equal(16, modules.Single(m => m.Prefix == "hgs.0.0.low1").InnerChannels);
        var tensors = WeightLayout.Enumerate(arch).ToDictionary(t => t.Name);
        Assert.Equal([17, 64, 1, 1], tensors["pre.1.conv1.conv.weight"].Shape);
        Assert.Equal([17, 17, 3, 3], tensors["pre.1.conv2.conv.weight"].Shape);
        Assert.Equal([128, 17, 1, 1], tensors["pre.1.conv3.conv.weight"].Shape);
        Assert.Equal([13], tensors["hgs.0.0.low2.low2.low1.bn3.running_var"].Shape);
        // pre.1: 64→128 with inner 17 instead of 64: conv1, conv2, conv3 weights and biases, bn2 and bn3 γ/β.
        long Module(long i, long w, long o) => i * w + w + 9 * w * w + w + w * o + o + 2 * w + 2 * w;
        long delta = Module(64, 64, 128) - Module(64, 17, 128);
        Assert.True(plain.ParameterCount - arch.ParameterCount > delta);
        Assert.Equal(Module(64, 64, 128) - Module(64, 17, 128),
            plain.ParameterCount - (plain with { Widths = new ResidualWidths([new("pre.1", 17)]) }).ParameterCount);
        Assert.True(arch.MacCount < plain.MacCount);
        Assert.Contains("6 narrowed residual(s)", arch.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Stem_channels_set_the_stem_shapes_and_the_counts()
    {
        var plain = new HourglassArchitecture(1, 32, 16, 64, 64);
        var narrowed = plain with { StemChannels = 13 };
        var tensors = WeightLayout.Enumerate(narrowed).ToDictionary(t => t.Name);
        Assert.Equal([13, 3, 7, 7], tensors["pre.0.conv.weight"].Shape);
        Assert.Equal([13], tensors["pre.0.bn.running_mean"].Shape);
        Assert.Equal([13], tensors["pre.1.bn1.weight"].Shape);
        Assert.Equal([64, 13, 1, 1], tensors["pre.1.conv1.conv.weight"].Shape);
        Assert.Equal([128, 13, 1, 1], tensors["pre.1.skip_layer.conv.weight"].Shape);
        // 51 channels fewer: the 7x7 filters with bias and batch norm, bn1's γ and β, and one input of conv1 and of the projection.
        Assert.Equal(51L * (3 * 49 + 1 + 2 + 2 + 64 + 128), plain.ParameterCount - narrowed.ParameterCount);
        Assert.Equal(51L * (3 * 49 + 64 + 128) * 32 * 32, plain.MacCount - narrowed.MacCount);
        Assert.Contains("13 stem channels", narrowed.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(plain, narrowed);
        Assert.Equal(narrowed, narrowed.WithInputSize(128, 64).WithInputSize(64, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => plain with { StemChannels = 0 });
    }

    [Fact]
    public void Stem_channels_round_trip_through_the_model_file_and_are_absent_at_the_default()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64) { StemChannels = 5 };
        byte[] bytes = Saved(arch);
        Assert.Equal(5, ModelFileBytes.Header(bytes)["stemChannels"]!.GetValue<int>());
        Assert.Equal(arch, HourglassModelFile.Load(new MemoryStream(bytes)).Architecture);
        var plain = arch with { StemChannels = HourglassArchitecture.DefaultStemChannels };
        byte[] plainBytes = Saved(plain);
        Assert.False(ModelFileBytes.Header(plainBytes).ContainsKey("stemChannels"));
        byte[] zero = ModelFileBytes.Rewrite(bytes, header => header["stemChannels"] = 0);
        Assert.Contains("stem channels", Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(zero))).Message, StringComparison.Ordinal);
    }

    private static byte[] Saved(HourglassArchitecture arch)
    {
        using var stream = new MemoryStream();
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 3)).Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Equal_widths_are_equal_architectures_and_an_empty_map_is_none()
    {
        Assert.Equal(Narrowed(ResidualBlock.Bottleneck), Narrowed(ResidualBlock.Bottleneck));
        Assert.Equal(Narrowed(ResidualBlock.Bottleneck).GetHashCode(), Narrowed(ResidualBlock.Bottleneck).GetHashCode());
        var plain = new HourglassArchitecture(1, 16, 16, 64, 64);
        Assert.Equal(plain, plain with { Widths = new ResidualWidths([]) });
        Assert.Null((plain with { Widths = new ResidualWidths([]) }).Widths);
    }

    [Fact]
    public void A_width_for_a_module_the_network_does_not_have_is_refused()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64) { Depth = 1 } with { Widths = new ResidualWidths([new("hgs.0.0.low2.low2.up1", 4)]) };
        var e = Assert.Throws<ArgumentException>(() => arch.ParameterCount);
        Assert.Contains("'hgs.0.0.low2.low2.up1'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ResidualWidths([new("pre.1", 0)]));
        Assert.Throws<ArgumentException>(() => new ResidualWidths([new("pre.1", 4), new("pre.1", 5)]));
    }

    [Fact]
    public void The_model_file_keeps_the_widths()
    {
        var arch = Narrowed(ResidualBlock.Depthwise);
        using var stream = new MemoryStream();
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 3)).Save(stream);
        byte[] bytes = stream.ToArray();
        Assert.Equal(17, ModelFileBytes.Header(bytes)["residualWidths"]!["pre.1"]!.GetValue<int>());
        Assert.Equal(arch, HourglassModelFile.Load(new MemoryStream(bytes)).Architecture);

        byte[] unknown = ModelFileBytes.Rewrite(bytes, header => header["residualWidths"]!["pre.9"] = 3);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(unknown)));
        output.WriteLine(e.Message);
        byte[] wrong = ModelFileBytes.Rewrite(bytes, header => header["residualWidths"]!["pre.1"] = "17");
        output.WriteLine(Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(wrong))).Message);
        byte[] other = ModelFileBytes.Rewrite(bytes, header => header["residualWidths"]!["pre.1"] = 18);
        output.WriteLine(Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(other))).Message);
    }
}

using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;
using HourglassSimd.Topology;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>Networks of depthwise residual blocks: counts, validation, the engine against the reference, the file format.</summary>
public sealed class DepthwiseBlockTests(ITestOutputHelper output)
{
    /// <summary>What one residual's 3x3 conv2 (b/2 → b/2, with bias) loses when it becomes depthwise: 9·(b/2)² weights become 9·(b/2).</summary>
    private static long Conv2Saving(long b) => 9 * (b / 2) * (b / 2) - 9 * (b / 2);

    [Theory]
    [InlineData(8, 256, 4)]
    [InlineData(2, 64, 4)]
    [InlineData(1, 32, 2)]
    public void Each_residual_loses_its_dense_3x3_weights(int stacks, int features, int depth)
    {
        var dense = new HourglassArchitecture(stacks, features, 16, 128, 128) { Depth = depth };
        var depthwise = dense with { Block = ResidualBlock.Depthwise };
        // Stem: pre.1 (64→128), pre.3 (128→128), pre.4 (128→F); per stack 3·depth + 1 hourglass residuals and one feature residual.
        long perStack = (3L * depth + 2) * Conv2Saving(features);
        long stem = 2 * Conv2Saving(HourglassTopology.StemWidth) + Conv2Saving(features);
        Assert.Equal(dense.ParameterCount - stem - stacks * perStack, depthwise.ParameterCount);
        output.WriteLine($"{dense}: {dense.ParameterCount:N0} parameters, {dense.MacCount:N0} MACs; depthwise {depthwise.ParameterCount:N0}, {depthwise.MacCount:N0} MACs");
    }

    [Fact]
    public void The_default_stays_the_paper()
    {
        var arch = new HourglassArchitecture(8);
        Assert.Equal(ResidualBlock.Bottleneck, arch.Block);
        Assert.Equal(25_434_112, arch.ParameterCount);
    }

    [Fact]
    public void Depthwise_macs_are_counted_per_channel()
    {
        var dense = new HourglassArchitecture(2, 256, 16, 256, 256);
        var depthwise = dense with { Block = ResidualBlock.Depthwise };
        var conv2 = WeightLayout.Blocks(depthwise).OfType<ConvStep>().Single(s => s.Name == "hgs.0.0.up1.conv2.conv");
        Assert.True(conv2.IsDepthwise);
        Assert.Equal(128, conv2.Groups);
        Assert.Equal(128L * 9 * 64 * 64, conv2.MacCount(64, 64));
        Assert.True(depthwise.MacCount < dense.MacCount / 2, $"{depthwise.MacCount} against {dense.MacCount}");
    }

    [Fact]
    public void Block_is_part_of_equality_of_the_description_and_of_other_sizes()
    {
        var dense = new HourglassArchitecture(1, 16, 16, 64, 64);
        var depthwise = dense with { Block = ResidualBlock.Depthwise };
        Assert.NotEqual(dense, depthwise);
        Assert.EndsWith(", depthwise blocks", depthwise.ToString(), StringComparison.Ordinal);
        Assert.Equal(ResidualBlock.Depthwise, depthwise.WithInputSize(128, 64).Block);
        Assert.Throws<ArgumentOutOfRangeException>(() => dense with { Block = (ResidualBlock)7 });
    }

    [Theory]
    [InlineData(KernelIsa.Vector512, 32)]
    [InlineData(KernelIsa.Vector256, 32)]
    [InlineData(KernelIsa.Vector128, 32)]
    [InlineData(KernelIsa.Scalar, 32)]
    [InlineData(KernelIsa.Vector512, 20)] // bottleneck width 10: a partial 16-channel group in every depthwise layer
    [InlineData(KernelIsa.Vector256, 44)]
    public void Depthwise_networks_match_the_reference(KernelIsa isa, int features) =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(2, features, 16, 64, 128) { Block = ResidualBlock.Depthwise }, isa, batch: 2, output);

    [Theory]
    [InlineData(ConvolutionMode.DirectOnly)]
    [InlineData(ConvolutionMode.Fastest)]
    public void Depthwise_networks_match_the_reference_in_both_modes_at_other_depths(ConvolutionMode mode) =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(1, 32, 16, 128, 128) { Depth = 2, Block = ResidualBlock.Depthwise },
            KernelIsa.Vector256, batch: 1, output, new HourglassOptions { Isa = KernelIsa.Vector256, Convolution = mode, WinogradMinimumSize = 4, WinogradMinimumChannels = 1 });

    [Fact]
    public void A_depthwise_network_runs_at_another_size_than_its_own()
    {
        var arch = new HourglassArchitecture(1, 32, 16, 64, 64) { Block = ResidualBlock.Depthwise };
        var weights = HourglassWeights.CreateRandom(arch, seed: 4);
        using var net = HourglassNetwork.Create(arch, weights, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        float[] image = TestArrays.Uniform(new Random(2), 3 * 128 * 64, 0, 1);
        float[] actual = new float[net.OutputLength(1, 128, 64)];
        net.Run(image, 128, 64, actual);
        float[] expected = new ReferenceHourglass(arch.WithInputSize(128, 64), weights).Run(image);
        Tolerance.AssertNetworkClose(expected, actual, "depthwise at 128x64");
    }

    [Fact]
    public void The_model_file_keeps_the_block_and_writes_it_only_when_it_is_not_the_bottleneck()
    {
        var depthwise = new HourglassArchitecture(1, 8, 4, 64, 64) { Block = ResidualBlock.Depthwise };
        using var stream = new MemoryStream();
        new HourglassModelFile(depthwise, HourglassWeights.CreateRandom(depthwise, 3)).Save(stream);
        byte[] bytes = stream.ToArray();
        Assert.Equal("depthwise", ModelFileBytes.Header(bytes)["block"]!.GetValue<string>());
        Assert.Equal(depthwise, HourglassModelFile.Load(new MemoryStream(bytes)).Architecture);

        var dense = new HourglassArchitecture(1, 8, 4, 64, 64);
        using var denseStream = new MemoryStream();
        new HourglassModelFile(dense, HourglassWeights.CreateRandom(dense, 3)).Save(denseStream);
        Assert.Null(ModelFileBytes.Header(denseStream.ToArray())["block"]);
    }

    [Theory]
    [InlineData("\"bottleneck\"")] // a known block, but the tensors are depthwise
    [InlineData("\"grouped\"")]
    [InlineData("3")]
    public void A_re_signed_header_with_another_block_is_refused(string block)
    {
        var depthwise = new HourglassArchitecture(1, 8, 4, 64, 64) { Block = ResidualBlock.Depthwise };
        using var stream = new MemoryStream();
        new HourglassModelFile(depthwise, HourglassWeights.CreateRandom(depthwise, 3)).Save(stream);
        byte[] edited = ModelFileBytes.Rewrite(stream.ToArray(), header => header["block"] = System.Text.Json.Nodes.JsonNode.Parse(block));
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        output.WriteLine(e.Message);
    }

    [Fact]
    public void The_profile_names_depthwise_layers()
    {
        var arch = new HourglassArchitecture(1, 32, 16, 64, 64) { Block = ResidualBlock.Depthwise };
        using var net = HourglassNetwork.CreateRandom(arch, seed: 1, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var profile = net.ProfileLayers(new float[arch.InputSizePerImage], 1);
        Assert.Contains(profile, l => l.Layer == "dwconv3x3 16 @16x16" && l.Macs == 16L * 9 * 16 * 16);
    }
}

using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>Hourglass depths other than the paper's 4: validation, counts, the engine against the reference, the file format.</summary>
public sealed class HourglassDepthTests(ITestOutputHelper output)
{
    /// <summary>
    /// Parameters of one F→F pre-activation bottleneck residual (spec §1.2), counted by hand: conv1 1x1 F→F/2,
    /// conv2 3x3 F/2→F/2, conv3 1x1 F/2→F, each with bias, and the γ and β of bn1 (F), bn2 and bn3 (F/2).
    /// </summary>
    private static long ResidualParameters(long f) =>
        f * (f / 2) + f / 2 + 9 * (f / 2) * (f / 2) + f / 2 + (f / 2) * f + f + 2 * f + 2 * (f / 2) + 2 * (f / 2);

    [Theory]
    [InlineData(8, 256, 1)]
    [InlineData(8, 256, 2)]
    [InlineData(8, 256, 3)]
    [InlineData(2, 64, 5)]
    public void Each_level_less_removes_three_residuals_per_stack(int stacks, int features, int depth)
    {
        // An hourglass of depth d holds 3d + 1 residuals (up1, low1, low3 per level, and the innermost low2).
        var paper = new HourglassArchitecture(stacks, features, 16, 128, 128);
        var other = paper with { Depth = depth };
        Assert.Equal(paper.ParameterCount - stacks * 3L * (HourglassArchitecture.DefaultDepth - depth) * ResidualParameters(features), other.ParameterCount);
    }

    [Fact]
    public void The_default_is_the_paper_and_its_count_is_unchanged()
    {
        var arch = new HourglassArchitecture(8);
        Assert.Equal(4, arch.Depth);
        Assert.Equal(25_434_112, arch.ParameterCount);
        Assert.Equal(64, arch.InputSideMultiple);
    }

    [Fact]
    public void Macs_grow_with_depth()
    {
        var macs = Enumerable.Range(1, 5).Select(d => new HourglassArchitecture(2, 64, 16, 256, 256) { Depth = d }.MacCount).ToArray();
        output.WriteLine(string.Join(", ", macs));
        for (int d = 1; d < macs.Length; d++)
            Assert.True(macs[d] > macs[d - 1], $"depth {d + 1}: {macs[d]} MACs, depth {d}: {macs[d - 1]}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void A_depth_out_of_range_is_refused(int depth)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HourglassArchitecture(1) { Depth = depth });
        Assert.Equal("Depth", e.ParamName);
    }

    [Fact]
    public void Depth_5_needs_sides_that_are_multiples_of_128()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HourglassArchitecture(1, 16, 16, 192, 256) { Depth = 5 });
        Assert.Contains("multiples of 128", e.Message, StringComparison.Ordinal);
        var deep = new HourglassArchitecture(1, 16, 16, 256, 128) { Depth = 5 };
        Assert.Equal(128, deep.InputSideMultiple);
        Assert.False(deep.AcceptsInputSide(192));
        Assert.True(deep.AcceptsInputSide(384));
        Assert.Throws<ArgumentOutOfRangeException>(() => deep.WithInputSize(192, 128));
        Assert.Equal(5, deep.WithInputSize(384, 128).Depth);
    }

    [Fact]
    public void Depth_is_part_of_equality_and_of_the_description()
    {
        var paper = new HourglassArchitecture(1, 16, 16, 64, 64);
        var shallow = paper with { Depth = 2 };
        Assert.NotEqual(paper, shallow);
        Assert.Equal(shallow, new HourglassArchitecture(1, 16, 16, 64, 64) { Depth = 2 });
        Assert.DoesNotContain("depth", paper.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(", depth 2", shallow.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, KernelIsa.Vector512)]
    [InlineData(2, KernelIsa.Vector256)]
    [InlineData(3, KernelIsa.Vector128)]
    [InlineData(2, KernelIsa.Scalar)]
    public void Shallower_networks_match_the_reference(int depth, KernelIsa isa) =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(2, 32, 16, 64, 128) { Depth = depth }, isa, batch: 1, output);

    [Fact]
    public void A_depth_5_network_matches_the_reference() =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(1, 16, 16, 128, 128) { Depth = 5 }, KernelIsa.Vector512, batch: 1, output);

    [Fact]
    public void A_network_refuses_sizes_its_depth_cannot_pool()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 128, 128) { Depth = 5 };
        using var net = HourglassNetwork.CreateRandom(arch, seed: 1, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var e = Assert.Throws<ArgumentException>(() => net.Run(new float[3 * 192 * 128], 192, 128, new float[net.OutputLength(1, 256, 128)]));
        Assert.Contains("multiples of 128", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_model_file_keeps_the_depth_and_writes_it_only_when_it_is_not_4()
    {
        var shallow = new HourglassArchitecture(1, 8, 4, 64, 64) { Depth = 2 };
        var weights = HourglassWeights.CreateRandom(shallow, 3);
        using var stream = new MemoryStream();
        new HourglassModelFile(shallow, weights).Save(stream);
        byte[] bytes = stream.ToArray();
        Assert.Equal(2, ModelFileBytes.Header(bytes)["depth"]!.GetValue<int>());
        var loaded = HourglassModelFile.Load(new MemoryStream(bytes));
        Assert.Equal(shallow, loaded.Architecture);

        var paper = new HourglassArchitecture(1, 8, 4, 64, 64);
        using var paperStream = new MemoryStream();
        new HourglassModelFile(paper, HourglassWeights.CreateRandom(paper, 3)).Save(paperStream);
        Assert.Null(ModelFileBytes.Header(paperStream.ToArray())["depth"]);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(0)]
    [InlineData(3)] // in range, but the tensors are those of depth 2
    public void A_re_signed_header_with_another_depth_is_refused(int depth)
    {
        var shallow = new HourglassArchitecture(1, 8, 4, 64, 64) { Depth = 2 };
        using var stream = new MemoryStream();
        new HourglassModelFile(shallow, HourglassWeights.CreateRandom(shallow, 3)).Save(stream);
        byte[] edited = ModelFileBytes.Rewrite(stream.ToArray(), header => header["depth"] = depth);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        output.WriteLine(e.Message);
    }
}

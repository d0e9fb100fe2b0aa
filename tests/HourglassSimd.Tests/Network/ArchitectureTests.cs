namespace HourglassSimd.Tests.Network;

public sealed class ArchitectureTests
{
    /// <summary>hourglass-spec §1.6, "lua" stem: P(S, J) = 352,640 + S·(3,069,696 + 257·J) + (S−1)·(66,048 + 256·J).</summary>
    [Theory]
    [InlineData(1, 16, 3_426_448)]
    [InlineData(1, 17, 3_426_705)]
    [InlineData(2, 16, 6_570_400)]
    [InlineData(2, 17, 6_571_170)]
    [InlineData(4, 16, 12_858_304)]
    [InlineData(4, 17, 12_860_100)]
    [InlineData(8, 16, 25_434_112)]
    [InlineData(8, 17, 25_437_960)]
    public void Parameter_count_matches_spec(int stacks, int joints, long expected)
    {
        var arch = new HourglassArchitecture(stacks, 256, joints);
        Assert.Equal(expected, arch.ParameterCount);
    }

    [Fact]
    public void Network_reports_parameter_and_mac_counts_of_the_spec()
    {
        using var net = HourglassNetwork.CreateRandom(new HourglassArchitecture(8, 256, 16), seed: 1);
        Assert.Equal(25_434_112, net.ParameterCount);
        // §1.6: 27.440 G conv MACs for 8 stacks at 256x256.
        Assert.Equal(27.440, net.MacCountPerImage / 1e9, 3);
    }

    [Theory]
    [InlineData(1, 5.150)]
    [InlineData(2, 8.335)]
    [InlineData(4, 14.703)]
    public void Mac_count_matches_spec(int stacks, double expectedGiga)
    {
        var arch = new HourglassArchitecture(stacks, 256, 16);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 1, new HourglassOptions { Isa = KernelIsa.Scalar });
        Assert.Equal(expectedGiga, net.MacCountPerImage / 1e9, 3);
        Assert.Equal(expectedGiga, arch.MacCount / 1e9, 3); // the topology's count
    }

    /// <summary>The plan's layers (direct and Winograd alike count direct MACs) add up to the topology's count at every size and path.</summary>
    [Theory]
    [InlineData(KernelIsa.Vector512, 128, 64)]
    [InlineData(KernelIsa.Vector256, 64, 192)]
    [InlineData(KernelIsa.Scalar, 64, 64)]
    public void Plan_mac_count_equals_the_topology_count(KernelIsa isa, int height, int width)
    {
        var arch = new HourglassArchitecture(2, 32, 11, height, width);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 1, new HourglassOptions { Isa = isa });
        Assert.Equal(arch.MacCount, net.MacCountPerImage);
    }

    /// <summary>
    /// Fastest mode runs a 3x3 layer by Winograd only on maps of 16 and more with 48 channels and more (HourglassOptions).
    /// At a 128 input the candidates are the stem's three (64 wide in pre.1 at 64x64 and pre.3 at 32x32, F/2 in pre.4),
    /// the hourglass's four on maps of 32 and 16, and the feature residual's, all F/2 wide.
    /// </summary>
    [Theory]
    [InlineData(32, 2, 8)]     // F/2 = 16: only pre.1's and pre.3's by default
    [InlineData(128, 8, 8)]    // F/2 = 64: all of them
    public void Winograd_runs_only_on_layers_wide_and_large_enough(int features, int expected, int expectedAtOneChannel)
    {
        var arch = new HourglassArchitecture(1, features, 16, 128, 128);
        int Count(HourglassOptions options)
        {
            using var net = HourglassNetwork.CreateRandom(arch, seed: 1, options);
            return net.ProfileLayers(new float[arch.InputSizePerImage], runs: 1).Count(l => l.Layer.StartsWith("winograd", StringComparison.Ordinal));
        }
        Assert.Equal(expected, Count(new HourglassOptions { Isa = KernelIsa.Vector256 }));
        Assert.Equal(expectedAtOneChannel, Count(new HourglassOptions { Isa = KernelIsa.Vector256, WinogradMinimumChannels = 1 }));
    }

    [Theory]
    [InlineData(0, 256, 16, 256, 256, "stacks")]
    [InlineData(2, 255, 16, 256, 256, "features")]
    [InlineData(2, 0, 16, 256, 256, "features")]
    [InlineData(2, 256, 0, 256, 256, "joints")]
    [InlineData(2, 256, 16, 200, 256, "inputHeight")]
    [InlineData(2, 256, 16, 256, 96, "inputWidth")]
    public void Invalid_architecture_names_the_parameter(int stacks, int features, int joints, int height, int width, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HourglassArchitecture(stacks, features, joints, height, width));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void Output_shape_is_stacks_joints_quarter_resolution()
    {
        var arch = new HourglassArchitecture(3, 8, 68, 128, 192);
        Assert.Equal(3 * 68 * 32 * 48, arch.OutputSizePerImage);
        Assert.Equal(3 * 128 * 192, arch.InputSizePerImage);
    }
}

using HourglassSimd.Topology;

namespace HourglassSimd.Tests.Network;

/// <summary>The bytes each layer of a profiled pass reports moving (<see cref="HourglassSimd.Diagnostics.LayerProfile"/>), for the memory-traffic report of <c>bench --profile</c>.</summary>
public sealed class MemoryTrafficTests
{
    private static readonly HourglassArchitecture Arch = new(stacks: 2, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);

    private static IReadOnlyList<HourglassSimd.Diagnostics.LayerProfile> Profile(ConvolutionMode mode)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { Isa = KernelIsa.Vector512, Convolution = mode, MaxDegreeOfParallelism = 1 });
        return net.ProfileLayers(new float[Arch.InputSizePerImage], runs: 1);
    }

    [Fact]
    public void Direct_convolutions_read_at_least_every_weight_and_use_no_scratch()
    {
        var layers = Profile(ConvolutionMode.DirectOnly);
        long weights = WeightLayout.Blocks(Arch).OfType<ConvStep>().Sum(s => (long)s.OutChannels * s.InChannelsPerGroup * s.KernelSize * s.KernelSize);
        Assert.InRange(layers.Sum(l => l.WeightBytes), 4 * weights, 8 * weights); // channel padding to 16 adds some, never doubles it here
        Assert.All(layers, l => Assert.Equal(0, l.ScratchBytes));
        Assert.All(layers.Where(l => l.Layer.StartsWith("conv", StringComparison.Ordinal)), l => Assert.True(l.WeightBytes > 0, l.Layer));
    }

    [Fact]
    public void Winograd_layers_move_their_transformed_weights_and_their_scratch_twice()
    {
        var direct = Profile(ConvolutionMode.DirectOnly);
        var fastest = Profile(ConvolutionMode.Fastest);
        var winograd = fastest.Where(l => l.Layer.StartsWith("winograd", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(winograd);
        Assert.All(winograd, l => Assert.True(l.ScratchBytes > 0 && l.ScratchBytes % 8 == 0, $"{l.Layer}: {l.ScratchBytes} scratch bytes"));
        // F(4x4, 3x3) keeps 6 x 6 = 36 transformed values per 3 x 3 = 9 weights: four times the bytes.
        string shape = winograd[0].Layer["winograd4x4 ".Length..];
        long directBytes = direct.First(l => l.Layer == "conv3x3 " + shape).WeightBytes;
        Assert.InRange(winograd[0].WeightBytes, 3 * directBytes, 5 * directBytes);
        // Activations are the same buffers either way.
        Assert.Equal(direct.Sum(l => l.ActivationBytes), fastest.Sum(l => l.ActivationBytes));
    }

    [Fact]
    public void Cache_sizes_read_from_sysfs_are_ordered_where_linux_reports_them()
    {
        var (l2, l3) = HourglassSimd.Diagnostics.CacheSizes.Read();
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/sys/devices/system/cpu/cpu0/cache"))
            return; // the report then says "not readable here"
        Assert.True(l2 is > 0, $"L2 {l2}");
        if (l3 is { } shared)
            Assert.True(shared >= l2, $"L3 {shared} below L2 {l2}");
    }
}

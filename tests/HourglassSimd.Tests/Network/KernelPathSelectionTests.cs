using HourglassSimd.Kernels;

namespace HourglassSimd.Tests.Network;

/// <summary>How a network's kernel path is chosen: the option, the <c>HOURGLASS_ISA</c> override, the CPU's best.</summary>
public sealed class KernelPathSelectionTests
{
    [Theory]
    [InlineData("Vector128", KernelIsa.Vector128)]
    [InlineData("vector128", KernelIsa.Vector128)]
    [InlineData("Vector256", KernelIsa.Vector256)]
    [InlineData("VECTOR512", KernelIsa.Vector512)]
    [InlineData("Scalar", KernelIsa.Scalar)]
    public void The_environment_variable_forces_a_path(string forced, KernelIsa expected) =>
        Assert.Equal(expected, HourglassOptions.ResolveIsa(KernelIsa.Auto, forced));

    [Fact]
    public void An_explicit_option_wins_over_the_environment_variable() =>
        Assert.Equal(KernelIsa.Vector256, HourglassOptions.ResolveIsa(KernelIsa.Vector256, "Vector128"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_the_variable_Auto_is_the_best_path(string? forced) =>
        Assert.Equal(HourglassOptions.BestAvailable(), HourglassOptions.ResolveIsa(KernelIsa.Auto, forced));

    [Theory]
    [InlineData("Vector1024")]
    [InlineData("99")]
    [InlineData("3")]
    [InlineData("Scalar,Vector128")]
    public void An_unknown_path_is_refused_with_the_names(string forced)
    {
        var e = Assert.Throws<InvalidOperationException>(() => HourglassOptions.ResolveIsa(KernelIsa.Auto, forced));
        Assert.Contains($"'{forced}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Vector128", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_outside_the_enums_are_refused()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64);
        var isa = Assert.Throws<ArgumentOutOfRangeException>(() => HourglassNetwork.CreateRandom(arch, seed: 3, new HourglassOptions { Isa = (KernelIsa)42 }));
        Assert.Contains("Isa must be", isa.Message, StringComparison.Ordinal);
        var convolution = Assert.Throws<ArgumentOutOfRangeException>(() => HourglassNetwork.CreateRandom(arch, seed: 3, new HourglassOptions { Convolution = (ConvolutionMode)3 }));
        Assert.Contains("Convolution must be", convolution.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_best_path_is_the_widest_accelerated_one()
    {
        KernelIsa best = HourglassOptions.BestAvailable();
        Assert.True(HourglassOptions.IsAccelerated(best));
        KernelIsa[] widestFirst = [KernelIsa.Vector512, KernelIsa.Vector256, KernelIsa.Vector128, KernelIsa.Scalar];
        Assert.Equal(widestFirst.First(HourglassOptions.IsAccelerated), best);
        Assert.Equal(SimdKernelSet.All.Where(k => HourglassOptions.IsAccelerated(k.Isa)).Select(k => k.Isa),
            SimdKernelSet.Accelerated.Select(k => k.Isa));
    }

    [Fact]
    public void Every_simd_path_builds_a_network_that_reports_it()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64);
        foreach (KernelIsa isa in SimdKernelSet.All.Select(k => k.Isa))
        {
            using var net = HourglassNetwork.CreateRandom(arch, seed: 3, new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 1 });
            Assert.Equal(isa, net.Isa);
        }
    }
}

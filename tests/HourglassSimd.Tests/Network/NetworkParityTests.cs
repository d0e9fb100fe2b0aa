using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>The engine's whole forward pass against <see cref="ReferenceHourglass"/> (unfolded, unfused, plain loops).</summary>
public sealed class NetworkParityTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, int, int, int, KernelIsa> Configurations()
    {
        var data = new TheoryData<int, int, int, int, int, KernelIsa>();
        foreach (var isa in new[] { KernelIsa.Scalar, KernelIsa.Vector128, KernelIsa.Vector256, KernelIsa.Vector512 })
        {
            data.Add(1, 6, 16, 64, 64, isa);      // tiny width: bottleneck of 3 channels
            data.Add(2, 32, 17, 64, 128, isa);    // non-square input, 17 joints
            data.Add(1, 256, 16, 64, 64, isa);    // the paper's width
        }
        data.Add(2, 256, 16, 64, 64, KernelIsa.Vector512);
        data.Add(8, 20, 5, 64, 64, KernelIsa.Vector512);
        data.Add(8, 20, 5, 64, 64, KernelIsa.Vector256);
        return data;
    }

    /// <summary>Default options: Winograd on 3x3 maps of 16 and more with 48 channels and more, direct elsewhere.</summary>
    [Theory]
    [MemberData(nameof(Configurations))]
    public void Engine_matches_reference_composition(int stacks, int features, int joints, int height, int width, KernelIsa isa) =>
        CheckParity(new HourglassArchitecture(stacks, features, joints, height, width), isa, batch: 2, output);

    [Theory]
    [InlineData(2, 32, 17, 64, 128, KernelIsa.Vector512)]
    [InlineData(1, 256, 16, 64, 64, KernelIsa.Vector256)]
    [InlineData(2, 32, 17, 64, 128, KernelIsa.Vector128)]
    public void Direct_only_mode_matches_reference_composition(int stacks, int features, int joints, int height, int width, KernelIsa isa) =>
        CheckParity(new HourglassArchitecture(stacks, features, joints, height, width), isa, batch: 1, output,
            new HourglassOptions { Isa = isa, Convolution = ConvolutionMode.DirectOnly });

    /// <summary>Winograd on every 3x3 layer down to 4x4 maps and one channel: the most Winograd layers in a row.</summary>
    [Theory]
    [InlineData(2, 32, 17, 64, 128, KernelIsa.Vector512)]
    [InlineData(8, 20, 5, 64, 64, KernelIsa.Vector256)]
    [InlineData(2, 32, 17, 64, 128, KernelIsa.Vector128)]
    public void Winograd_everywhere_matches_reference_composition(int stacks, int features, int joints, int height, int width, KernelIsa isa) =>
        CheckParity(new HourglassArchitecture(stacks, features, joints, height, width), isa, batch: 1, output,
            new HourglassOptions { Isa = isa, WinogradMinimumSize = 4, WinogradMinimumChannels = 1 });

    internal static void CheckParity(HourglassArchitecture arch, KernelIsa isa, int batch, ITestOutputHelper output, HourglassOptions? options = null)
    {
        var weights = HourglassWeights.CreateRandom(arch, seed: arch.Stacks * 1000 + arch.Features);
        using var net = HourglassNetwork.Create(arch, weights, options ?? new HourglassOptions { Isa = isa });
        Assert.Equal(isa, net.Isa);
        var random = new Random(5);
        float[] input = TestArrays.Uniform(random, batch * arch.InputSizePerImage, 0, 1);
        float[] actual = net.Run(input);
        Assert.Equal(batch * arch.OutputSizePerImage, actual.Length);

        var reference = new ReferenceHourglass(arch, weights);
        int stackSize = arch.Joints * arch.OutputHeight * arch.OutputWidth;
        for (int n = 0; n < batch; n++)
        {
            float[] expected = reference.Run(input.AsSpan(n * arch.InputSizePerImage, arch.InputSizePerImage).ToArray());
            for (int s = 0; s < arch.Stacks; s++)
            {
                var e = expected.AsSpan(s * stackSize, stackSize);
                var a = actual.AsSpan(n * arch.OutputSizePerImage + s * stackSize, stackSize);
                double relative = Tolerance.AssertNetworkClose(e, a, $"{arch} {isa} image {n} stack {s}");
                output.WriteLine($"{arch} {isa} image {n} stack {s}: max |diff| / max |ref| = {relative:E2}");
            }
        }
    }
}

using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Quantization;

/// <summary>
/// <see cref="FloatActivationRun"/>, the float run that calibration and the per-tensor report read, computes the
/// network the engine computes: its heatmaps equal the engine's within float32 rounding.
/// </summary>
public sealed class FloatActivationRunTests
{
    [Theory]
    [InlineData(1, 32, 64, 64)]
    [InlineData(2, 64, 64, 128)]
    public void Its_heatmaps_are_the_engines(int stacks, int features, int height, int width)
    {
        var arch = new HourglassArchitecture(stacks, features, joints: 16, inputHeight: height, inputWidth: width);
        var weights = HourglassWeights.CreateRandom(arch, seed: 11);
        var image = QuantizedNetworkTests.Images(arch, 1, 5)[0];
        using var net = HourglassNetwork.Create(arch, weights, new HourglassOptions { Isa = KernelIsa.Scalar });
        float[] expected = net.Run(image);
        var names = new List<string>();
        var stacksOut = FloatActivationRun.Run(arch, weights.Fold(arch), image, (name, _) => names.Add(name));
        float[] actual = [.. stacksOut.SelectMany(m => m.Data)];
        Assert.Equal(expected.Length, actual.Length);
        float largest = expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-4f * largest, $"heatmap value {i}: {actual[i]} against the engine's {expected[i]}");
        Assert.Equal(ActivationNames.Required(arch), names);
    }
}

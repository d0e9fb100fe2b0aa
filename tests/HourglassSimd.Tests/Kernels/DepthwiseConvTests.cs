using FsCheck.Xunit;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;
using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Kernels;

/// <summary><see cref="DepthwiseConv3x3"/> (every <see cref="SimdKernelSet"/>) against <see cref="ReferenceKernels.DepthwiseConv3x3"/>.</summary>
public sealed unsafe class DepthwiseConvTests
{
    public sealed record Case(int Channels, int Height, int Width, int InHalo, int OutHalo, bool Residual, bool Relu, int Seed)
    {
        public override string ToString() =>
            $"{Channels} ch {Height}x{Width} halo{InHalo}/{OutHalo} residual={Residual} relu={Relu} seed={Seed}";
    }

    [Property(MaxTest = 150)]
    public void Every_kernel_set_matches_reference(byte channels, byte h, byte w, byte flags, int seed)
    {
        var c = new Case(channels % 70 + 1, h % 20 + 1, w % 20 + 1, InHalo: 1 + (flags & 1), OutHalo: (flags >> 1) & 1,
            Residual: (flags & 4) != 0, Relu: (flags & 8) != 0, seed);
        foreach (var kernels in SimdKernelSet.All)
            Check(kernels, c);
    }

    /// <summary>Widths of a depthwise residual at the paper's sizes, pruned widths off every multiple of 16, and tiny maps.</summary>
    [Theory]
    [InlineData(128, 8, 8)]
    [InlineData(384, 4, 4)]   // a 6x expansion of 64
    [InlineData(45, 16, 13)]  // a pruned width
    [InlineData(1, 1, 1)]
    [InlineData(17, 1, 5)]
    public void Network_like_shapes_match_reference(int channels, int h, int w)
    {
        foreach (var kernels in SimdKernelSet.All)
        {
            Check(kernels, new Case(channels, h, w, 1, 1, Residual: true, Relu: true, Seed: channels));
            Check(kernels, new Case(channels, h, w, 1, 0, Residual: false, Relu: false, Seed: channels + 1));
        }
    }

    [Fact]
    public void Bind_refuses_a_missing_halo_and_mismatched_layouts()
    {
        var conv = new PackedDepthwiseConv(new float[16 * 9], new float[16], 16, relu: false);
        var noHalo = new ActivationLayout(16, 4, 4, 16, 0);
        var halo = new ActivationLayout(16, 4, 4, 16, 1);
        Assert.Throws<ArgumentException>(() => conv.Bind(null, noHalo, null, noHalo));
        Assert.Throws<ArgumentException>(() => conv.Bind(null, halo, null, new ActivationLayout(32, 4, 4, 16, 0)));
        Assert.Throws<ArgumentException>(() => conv.Bind(null, halo, null, new ActivationLayout(16, 4, 5, 16, 0)));
        Assert.Throws<ArgumentException>(() => new PackedDepthwiseConv(new float[9], new float[2], 2, relu: false));
    }

    private static void Check(SimdKernelSet kernels, Case c)
    {
        var random = new Random(c.Seed);
        float[] weights = TestArrays.Uniform(random, c.Channels * 9);
        float[] bias = TestArrays.Uniform(random, c.Channels);
        float[] image = TestArrays.Uniform(random, c.Channels * c.Height * c.Width);
        float[]? residual = c.Residual ? TestArrays.Uniform(random, image.Length) : null;

        var expected = new float[image.Length];
        ReferenceKernels.DepthwiseConv3x3(image, c.Channels, c.Height, c.Width, weights, bias, expected, residual, c.Relu);
        // Σ|terms| per output, for the tolerance.
        var scale = new float[image.Length];
        ReferenceKernels.DepthwiseConv3x3(TestArrays.Abs(image), c.Channels, c.Height, c.Width, TestArrays.Abs(weights), TestArrays.Abs(bias), scale,
            residual is null ? default : TestArrays.Abs(residual));

        var packed = new PackedDepthwiseConv(weights, bias, c.Channels, c.Relu);
        var inLayout = new ActivationLayout(c.Channels, c.Height, c.Width, 16, c.InHalo);
        var outLayout = new ActivationLayout(c.Channels, c.Height, c.Width, 16, c.OutHalo);
        var input = new float[inLayout.Size];
        var output = new float[outLayout.Size];
        Array.Fill(output, float.NaN); // an element the kernel fails to write cannot pass by being zero
        var actual = new float[image.Length];
        fixed (float* pin = input, pout = output)
        {
            inLayout.PackFrom(image, pin);
            float* pres = null;
            if (residual is not null)
            {
                outLayout.PackFrom(residual, pout);
                pres = pout; // added in place, as the network does
            }
            kernels.DepthwiseConv3x3(packed.Bind(pin, inLayout, pout, outLayout, pres));
            outLayout.UnpackTo(pout, actual);
        }
        Tolerance.AssertKernelClose(expected, actual, scale, $"{kernels} {c}");
    }
}

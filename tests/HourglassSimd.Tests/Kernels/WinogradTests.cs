using HourglassSimd.TestSupport;
using FsCheck.Xunit;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Kernels;

/// <summary><see cref="PackedWinogradConv"/> (Winograd F(4x4, 3x3), every <see cref="SimdKernelSet"/>) against the direct reference convolution.</summary>
public sealed unsafe class WinogradTests
{
    [Property(MaxTest = 100)]
    public void Every_kernel_set_matches_reference(byte ic, byte oc, byte h, byte w, bool relu, bool wideHalo, int seed)
    {
        foreach (var kernels in SimdKernelSet.All)
            Check(kernels, ic % 40 + 1, oc % 70 + 1, 4 * (h % 6 + 1), 4 * (w % 6 + 1), relu, wideHalo ? 2 : 1, seed);
    }

    [Theory]
    [InlineData(128, 128, 16, 16)]
    [InlineData(64, 64, 32, 28)]
    [InlineData(17, 33, 4, 4)]
    public void Network_shapes_match_reference(int ic, int oc, int h, int w)
    {
        foreach (var kernels in SimdKernelSet.All)
        {
            Check(kernels, ic, oc, h, w, relu: true, halo: 1, seed: 5);
            Check(kernels, ic, oc, h, w, relu: false, halo: 1, seed: 6);
        }
    }

    /// <summary>
    /// The block-by-block schedule (all three phases per row of tiles, each block in its own scratch) computes the same
    /// arithmetic as the phase-by-phase one, so the outputs are identical bit for bit (layers of at most 64 channels on
    /// 16 or more tile rows, where the engine uses it; channel counts off multiples of 16 included).
    /// </summary>
    [Theory]
    [InlineData(64, 64, 64, 64)]
    [InlineData(17, 33, 64, 8)]
    [InlineData(48, 40, 68, 20)]
    public void Blocks_equal_phases_bit_for_bit(int ic, int oc, int h, int w)
    {
        var random = new Random(9);
        var conv = new ConvParameters(TestArrays.Uniform(random, oc * ic * 9), TestArrays.Uniform(random, oc), oc, ic, 3, 1, 1);
        var packed = new PackedWinogradConv(conv, relu: true);
        var inLayout = new ActivationLayout(ic, h, w, 16, 1);
        var outLayout = new ActivationLayout(oc, h, w, 16, 0);
        var input = new float[inLayout.Size];
        fixed (float* pin = input)
            inLayout.PackFrom(TestArrays.Uniform(random, ic * h * w), pin);
        foreach (var kernels in SimdKernelSet.All)
        {
            var phases = new float[outLayout.Size];
            var blocks = new float[outLayout.Size];
            Array.Fill(blocks, float.NaN); // an element no block writes stays NaN
            var phasesChw = new float[oc * h * w];
            var blocksChw = new float[oc * h * w];
            var scratch = new float[packed.ScratchFloats(h, w)];
            fixed (float* pin = input, pPhases = phases, pBlocks = blocks, ps = scratch)
            {
                kernels.Winograd(packed, packed.Bind(pin, inLayout, pPhases, outLayout, ps));
                var binding = packed.Bind(pin, inLayout, pBlocks, outLayout, ps);
                Assert.True(packed.RunsInBlocks(binding.TilesY));
                for (int block = binding.TilesY - 1; block >= 0; block--) // any order: blocks are independent
                    kernels.WinogradBlock(packed, binding, block);
                outLayout.UnpackTo(pPhases, phasesChw);
                outLayout.UnpackTo(pBlocks, blocksChw);
            }
            Assert.Equal(phasesChw, blocksChw);
        }
    }

    private static void Check(SimdKernelSet kernels, int ic, int oc, int h, int w, bool relu, int halo, int seed)
    {
        var random = new Random(seed);
        var conv = new ConvParameters(TestArrays.Uniform(random, oc * ic * 9), TestArrays.Uniform(random, oc), oc, ic, 3, 1, 1);
        float[] image = TestArrays.Uniform(random, ic * h * w);
        var expected = new float[oc * h * w];
        ReferenceKernels.Conv2d(image, ic, h, w, conv.Weights, conv.Bias, oc, 3, 3, 1, 1, expected, relu: relu);
        float[] scale = AbsoluteWinogradScale(image, ic, h, w, conv.Weights, conv.Bias, oc);

        var packed = new PackedWinogradConv(conv, relu);
        var inLayout = new ActivationLayout(ic, h, w, 16, halo);
        var outLayout = new ActivationLayout(oc, h, w, 16, 0);
        var input = new float[inLayout.Size];
        var output = new float[outLayout.Size];
        Array.Fill(output, float.NaN);
        var scratch = new float[packed.ScratchFloats(h, w)];
        var actual = new float[expected.Length];
        fixed (float* pin = input, pout = output, ps = scratch)
        {
            inLayout.PackFrom(image, pin);
            var binding = packed.Bind(pin, inLayout, pout, outLayout, ps);
            kernels.Winograd(packed, binding);
            outLayout.UnpackTo(pout, actual);
        }
        // Winograd rounds its transformed values, not the direct products, so the error scale is the same bilinear
        // algorithm evaluated on absolute values: |Aᵀ| [ (|G| |g| |Gᵀ|) ⊙ (|Bᵀ| |d| |B|) ] |A| + |b|.
        Tolerance.AssertKernelClose(expected, actual, scale, $"{kernels} winograd {ic}->{oc} {h}x{w} relu={relu} halo={halo} seed={seed}");
    }

    // F(4x4, 3x3) matrices for the points 0, ±1, ±2, ∞ (Lavin and Gray), written out independently of the engine.
    private static readonly double[,] BT =
    {
        { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
        { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
    };
    private static readonly double[,] G =
    {
        { 1 / 4.0, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 }, { -1 / 6.0, 1 / 6.0, -1 / 6.0 },
        { 1 / 24.0, 1 / 12.0, 1 / 6.0 }, { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 },
    };
    private static readonly double[,] AT =
    {
        { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 },
    };

    private static float[] AbsoluteWinogradScale(float[] image, int ic, int h, int w, float[] weights, float[] bias, int oc)
    {
        var scale = new float[oc * h * w];
        for (int o = 0; o < oc; o++)
        for (int ty = 0; ty < h / 4; ty++)
        for (int tx = 0; tx < w / 4; tx++)
        {
            var m = new double[6, 6];
            for (int i = 0; i < ic; i++)
            {
                var d = new double[6, 6];
                for (int y = 0; y < 6; y++)
                for (int x = 0; x < 6; x++)
                {
                    int iy = 4 * ty + y - 1, ix = 4 * tx + x - 1;
                    d[y, x] = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : Math.Abs(image[(i * h + iy) * w + ix]);
                }
                var g = new double[3, 3];
                for (int k = 0; k < 9; k++)
                    g[k / 3, k % 3] = Math.Abs(weights[(o * ic + i) * 9 + k]);
                var v = AbsProduct(AbsProduct(BT, d), Transpose(BT));
                var u = AbsProduct(AbsProduct(G, g), Transpose(G));
                for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++)
                    m[a, b] += u[a, b] * v[a, b];
            }
            var y4 = AbsProduct(AbsProduct(AT, m), Transpose(AT));
            for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                scale[(o * h + 4 * ty + y) * w + 4 * tx + x] = (float)(y4[y, x] + Math.Abs(bias[o]));
        }
        return scale;
    }

    private static double[,] AbsProduct(double[,] a, double[,] b)
    {
        var c = new double[a.GetLength(0), b.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < b.GetLength(1); j++)
        for (int k = 0; k < a.GetLength(1); k++)
            c[i, j] += Math.Abs(a[i, k]) * Math.Abs(b[k, j]);
        return c;
    }

    private static double[,] Transpose(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
        for (int j = 0; j < a.GetLength(1); j++)
            t[j, i] = a[i, j];
        return t;
    }
}

using HourglassSimd.TestSupport;
using FsCheck.Xunit;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Kernels;

/// <summary><see cref="DirectConv"/> (every <see cref="SimdKernelSet"/>) against <see cref="ReferenceKernels.Conv2d"/>.</summary>
[Collection(nameof(EngineSwitchCollection))]
public sealed unsafe class DirectConvTests
{
    /// <summary>Kernel shapes that the network uses, plus general ones.</summary>
    private static readonly (int Kernel, int Stride, int Pad)[] Shapes = [(1, 1, 0), (3, 1, 1), (7, 2, 3), (3, 2, 1), (1, 2, 0)];

    public sealed record Case(int InChannels, int OutChannels, int Height, int Width, int Kernel, int Stride, int Pad,
        int InPack, int InHalo, int OutHalo, bool Prologue, bool Residual, bool Relu, int Batch, int Seed)
    {
        public override string ToString() =>
            $"{InChannels}->{OutChannels} {Height}x{Width} k{Kernel}s{Stride}p{Pad} pack{InPack} halo{InHalo}/{OutHalo} " +
            $"prologue={Prologue} residual={Residual} relu={Relu} batch={Batch} seed={Seed}";
    }

    private static Case MakeCase(byte ic, byte oc, byte h, byte w, byte shape, byte flags, byte batch, int seed)
    {
        var (k, s, p) = Shapes[shape % Shapes.Length];
        int inPack = (flags & 1) != 0 ? 16 : 1;
        bool prologue = k == 1 && s == 1 && inPack == 16 && (flags & 2) != 0;
        return new Case(ic % 40 + 1, oc % 70 + 1, h % 20 + 1, w % 20 + 1, k, s, p, inPack,
            InHalo: p + ((flags & 4) != 0 ? 1 : 0), OutHalo: (flags & 8) != 0 ? 1 : 0,
            prologue, Residual: (flags & 16) != 0, Relu: (flags & 32) != 0, Batch: batch % 3 + 1, seed);
    }

    [Property(MaxTest = 150)]
    public void Every_kernel_set_matches_reference(byte ic, byte oc, byte h, byte w, byte shape, byte flags, byte batch, int seed)
    {
        foreach (var kernels in SimdKernelSet.All)
            Check(kernels, MakeCase(ic, oc, h, w, shape, flags, batch, seed));
    }

    /// <summary>Every conv shape of the network, at its real channel counts and a small map (edge cases by name).</summary>
    [Theory]
    [InlineData(3, 64, 16, 16, 7, 2, 3, 1)]      // stem 7x7/2 on the plain RGB image
    [InlineData(256, 128, 8, 8, 1, 1, 0, 16)]    // residual conv1 (with prologue below)
    [InlineData(128, 128, 8, 8, 3, 1, 1, 16)]    // residual conv2
    [InlineData(128, 256, 9, 7, 1, 1, 0, 16)]    // residual conv3, odd map
    [InlineData(256, 16, 4, 4, 1, 1, 0, 16)]     // heatmap conv, W smaller than a tile
    [InlineData(17, 256, 1, 1, 1, 1, 0, 16)]     // merge of 17 heatmaps, W = H = 1
    [InlineData(64, 68, 18, 17, 3, 1, 1, 16)]    // channels not a multiple of 16
    public void Network_shapes_match_reference(int ic, int oc, int h, int w, int k, int s, int p, int pack)
    {
        foreach (var kernels in SimdKernelSet.All)
        {
            bool prologue = k == 1 && s == 1;
            Check(kernels, new Case(ic, oc, h, w, k, s, p, pack, p, OutHalo: k == 1 ? 1 : 0, prologue, Residual: true, Relu: true, Batch: 2, Seed: 7));
            Check(kernels, new Case(ic, oc, h, w, k, s, p, pack, p, OutHalo: 0, Prologue: false, Residual: false, Relu: false, Batch: 1, Seed: 8));
        }
    }

    /// <summary>
    /// Narrow layers (one or two output vectors per group) run in 12-pixel tiles; the 6-pixel tiles they replace sum
    /// every output in the same order, so both forms must give the same bits, at widths that leave every remainder.
    /// </summary>
    [Theory]
    [InlineData(24, 24, 3, 1, 1)]   // a pruned 3x3 (two Vector512 vectors, three Vector256 ones)
    [InlineData(64, 8, 1, 1, 0)]    // a pruned 1x1 reduce, with the prologue
    [InlineData(3, 16, 7, 2, 3)]    // the pruned stem
    [InlineData(32, 40, 1, 1, 0)]   // three Vector512 vectors: never wide
    public void Wide_tiles_give_the_same_bits_as_six_pixel_tiles(int ic, int oc, int k, int s, int p)
    {
        foreach (var kernels in SimdKernelSet.All)
        {
            foreach (int width in new[] { 12, 13, 23, 24, 29, 40, 100 })
            {
                bool prologue = k == 1 && s == 1;
                var c = new Case(ic, oc, 5, width, k, s, p, k == 7 ? 1 : 16, p, OutHalo: 1, prologue, Residual: true, Relu: true, Batch: 1, Seed: width);
                AssertSwitchKeepsBits(kernels, c, on => DirectConv.UseWideTiles = on, DirectConv.UseWideTiles, "the wide tiles");
            }
        }
    }

    [Theory]
    [InlineData(256, 128)]   // the residual's opening 1x1 (two Vector512 groups, four Vector256 ones)
    [InlineData(40, 96)]     // pruned widths: shared with Vector256 and Vector128, not with Vector512 (6 vectors)
    [InlineData(64, 256)]
    public void A_shared_prologue_gives_the_same_bits_as_one_group_per_item(int ic, int oc)
    {
        foreach (var kernels in SimdKernelSet.All)
        {
            foreach (int width in new[] { 1, 6, 13, 64, 100 })
            {
                var c = new Case(ic, oc, 3, width, 1, 1, 0, 16, 0, OutHalo: 1, Prologue: true, Residual: true, Relu: true, Batch: 1, Seed: width);
                AssertSwitchKeepsBits(kernels, c, on => DirectConv.UseSharedPrologue = on, DirectConv.UseSharedPrologue, "sharing the prologue");
            }
        }
    }

    /// <summary>
    /// The switch decides how a layer numbers its work items, so a layer that counted its items with it on must decode
    /// them the same way if it is flipped before the items run (tests flip it while other tests' networks run): the
    /// kernel keeps the value it had when the arguments were bound.
    /// </summary>
    [Fact]
    public void Flipping_the_shared_prologue_switch_after_binding_changes_nothing()
    {
        bool saved = DirectConv.UseSharedPrologue;
        try
        {
            foreach (var kernels in SimdKernelSet.All)
            {
                var c = new Case(256, 128, 3, 13, 1, 1, 0, 16, 0, OutHalo: 1, Prologue: true, Residual: true, Relu: true, Batch: 1, Seed: 5);
                foreach (bool bound in new[] { true, false })
                {
                    DirectConv.UseSharedPrologue = bound;
                    float[] expected = Run(kernels, c);
                    float[] flipped = Run(kernels, c, args =>
                    {
                        int count = kernels.DirectConvItemCount(args);
                        DirectConv.UseSharedPrologue = !bound;
                        for (int i = 0; i < count; i++)
                            kernels.DirectConvItem(args, i);
                        DirectConv.UseSharedPrologue = bound;
                    });
                    Assert.True(expected.AsSpan().SequenceEqual(flipped), $"{kernels} {c}: bound with the switch {(bound ? "on" : "off")}, flipped before the items ran");
                }
            }
        }
        finally
        {
            DirectConv.UseSharedPrologue = saved;
        }
    }

    /// <summary>Runs the case with a kernel switch on and off and asserts the same bits (no NaN); restores the switch.</summary>
    private static void AssertSwitchKeepsBits(SimdKernelSet kernels, Case c, Action<bool> setSwitch, bool saved, string change)
    {
        try
        {
            setSwitch(true);
            float[] on = Run(kernels, c);
            setSwitch(false);
            float[] off = Run(kernels, c);
            Assert.True(on.AsSpan().SequenceEqual(off), $"{kernels} {c}: {change} changed the result");
            Assert.DoesNotContain(on, float.IsNaN);
        }
        finally
        {
            setSwitch(saved);
        }
    }

    /// <summary>The case's convolution on seeded random data through <paramref name="kernels"/>, unpacked.</summary>
    private static float[] Run(SimdKernelSet kernels, Case c, Action<ConvArgs>? run = null)
    {
        var random = new Random(c.Seed);
        var (_, _, packed, inLayout, outLayout) = Setup(c, random);
        int oh = outLayout.Height, ow = outLayout.Width;
        float[] image = TestArrays.Uniform(random, c.InChannels * c.Height * c.Width);
        float[] residual = TestArrays.Uniform(random, c.OutChannels * oh * ow);
        return RunSimd(kernels, packed, image, inLayout, residual, outLayout, run);
    }

    /// <summary>The case's seeded random convolution (drawn from <paramref name="random"/>), packed, and its layouts.</summary>
    private static (ConvParameters Conv, (float[] Scale, float[] Shift)? Prologue, PackedConv Packed, ActivationLayout In, ActivationLayout Out) Setup(Case c, Random random)
    {
        var conv = new ConvParameters(
            TestArrays.Uniform(random, c.OutChannels * c.InChannels * c.Kernel * c.Kernel),
            TestArrays.Uniform(random, c.OutChannels), c.OutChannels, c.InChannels, c.Kernel, c.Stride, c.Pad);
        (float[] Scale, float[] Shift)? prologue = c.Prologue
            ? (TestArrays.Uniform(random, c.InChannels, 0.5f, 1.5f), TestArrays.Uniform(random, c.InChannels, -0.5f, 0.5f))
            : null;
        var packed = new PackedConv(conv, prologue, c.Relu);
        int oh = conv.OutSize(c.Height), ow = conv.OutSize(c.Width);
        var inLayout = new ActivationLayout(c.InChannels, c.Height, c.Width, c.InPack, c.InHalo);
        var outLayout = new ActivationLayout(c.OutChannels, oh, ow, 16, c.OutHalo);
        return (conv, prologue, packed, inLayout, outLayout);
    }

    internal static void Check(SimdKernelSet kernels, Case c)
    {
        var random = new Random(c.Seed);
        var (conv, prologue, packed, inLayout, outLayout) = Setup(c, random);
        int oh = outLayout.Height, ow = outLayout.Width;

        for (int n = 0; n < c.Batch; n++)
        {
            float[] image = TestArrays.Uniform(random, c.InChannels * c.Height * c.Width);
            float[]? residual = c.Residual ? TestArrays.Uniform(random, c.OutChannels * oh * ow) : null;

            var expected = new float[c.OutChannels * oh * ow];
            ReferenceKernels.Conv2d(image, c.InChannels, c.Height, c.Width, conv.Weights, conv.Bias, c.OutChannels, c.Kernel, c.Kernel,
                c.Stride, c.Pad, expected, prologue?.Scale, prologue?.Shift, residual, c.Relu);

            // Σ|terms| per output: the same convolution over |pre(x)|, |W|, |b|, plus |residual|.
            float[] preImage = image;
            if (prologue is { } pr)
            {
                preImage = new float[image.Length];
                ReferenceKernels.ScaleShift(image, c.InChannels, c.Height * c.Width, pr.Scale, pr.Shift, preImage, relu: true);
            }
            var scale = new float[expected.Length];
            ReferenceKernels.Conv2d(TestArrays.Abs(preImage), c.InChannels, c.Height, c.Width, TestArrays.Abs(conv.Weights), TestArrays.Abs(conv.Bias),
                c.OutChannels, c.Kernel, c.Kernel, c.Stride, c.Pad, scale, residual: residual is null ? default : TestArrays.Abs(residual));

            var actual = RunSimd(kernels, packed, image, inLayout, residual, outLayout);
            Tolerance.AssertKernelClose(expected, actual, scale, $"{kernels} {c} image {n}");
        }
    }

    /// <param name="run">Runs the bound convolution; null: <see cref="SimdKernelSet.DirectConv"/>.</param>
    private static float[] RunSimd(SimdKernelSet kernels, PackedConv packed, float[] image, ActivationLayout inLayout, float[]? residual, ActivationLayout outLayout,
        Action<ConvArgs>? run = null)
    {
        var input = new float[inLayout.Size];
        var output = new float[outLayout.Size];
        // Poison the output so that an element the kernel fails to write cannot pass by being zero.
        Array.Fill(output, float.NaN);
        fixed (float* pin = input, pout = output)
        {
            inLayout.PackFrom(image, pin);
            float* pres = null;
            if (residual is not null)
            {
                outLayout.PackFrom(residual, pout);
                pres = pout; // the network adds the shortcut in place, so test the aliased form
            }
            var args = packed.Bind(pin, inLayout, pout, outLayout, pres, outLayout);
            if (run is null)
                kernels.DirectConv(args);
            else
                run(args);
            var result = new float[outLayout.Channels * outLayout.Height * outLayout.Width];
            outLayout.UnpackTo(pout, result);
            return result;
        }
    }
}

using System.Numerics;
using FsCheck.Xunit;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Pose;

public sealed class MultiScaleTestTests
{
    private static readonly float[] PeakScales = [0.5f, 0.8f, 1f, 1.25f, 1.5f, 2f];

    /// <summary>
    /// A joint at one image point, drawn as a Gaussian (σ = 1 heatmap pixel, as a network draws it) in each scale's own
    /// crop frame, resampled into the scale-1 frame: every scale decodes to the same point, next to the true one, and
    /// so does their average. Rotated box; square and non-square inputs.
    /// </summary>
    [Theory]
    [InlineData(64, 64)]
    [InlineData(128, 64)]
    public void A_peak_placed_at_each_scale_decodes_to_the_same_image_point(int inputHeight, int inputWidth)
    {
        using var net = HourglassNetwork.CreateRandom(new HourglassArchitecture(1, 16, 1, inputHeight, inputWidth), seed: 1);
        var estimator = new PoseEstimator(net, new PoseEstimatorOptions { Layout = JointLayout.Custom(1) });
        var box = new PersonBox(70, 55, 0.4f, 20f);
        var reference = estimator.TransformFor(box);
        int w = reference.HeatmapWidth, h = reference.HeatmapHeight, plane = w * h;
        // Inside pixel (w/2 + 1, h/2 − 2), nearer its right and upper neighbours, so the quarter offset is clear-cut.
        var onReference = new Vector2(w / 2f + 1.8f, h / 2f - 1.8f);
        var point = reference.HeatmapToImage(onReference);

        var perScale = new float[PeakScales.Length * plane];
        var resampled = new float[plane];
        var decoded = new List<Vector2>();
        for (int k = 0; k < PeakScales.Length; k++)
        {
            var ownFrame = estimator.TransformFor(box, PeakScales[k]);
            var heatmap = perScale.AsSpan(k * plane, plane);
            DrawGaussian(heatmap, w, h, ownFrame.ImageToHeatmap(point));
            MultiScaleTest.Resample(heatmap, w, h, PeakScales[k], resampled);
            var peak = HeatmapDecoder.FindPeak(resampled, w, h);
            Assert.Equal(((int)onReference.X, (int)onReference.Y), (peak.ArgmaxX, peak.ArgmaxY));
            decoded.Add(reference.HeatmapToImage(new(peak.X, peak.Y)));
        }
        var average = new float[plane];
        MultiScaleTest.Average(perScale, w, h, PeakScales, average);
        var fused = HeatmapDecoder.FindPeak(average, w, h);
        decoded.Add(reference.HeatmapToImage(new(fused.X, fused.Y)));

        Assert.All(decoded, d => Assert.Equal(decoded[0], d));
        // The quarter offset lands 0.05 heatmap pixel from the true point on each axis.
        float tolerance = 0.06f * reference.OutputStride * (float)reference.ImagePixelsPerInputPixel * MathF.Sqrt(2);
        Assert.True(Vector2.Distance(point, decoded[0]) < tolerance, $"decoded {decoded[0]}, placed at {point}");
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.75f)]
    [InlineData(0.25f)]
    public void A_scale_of_one_or_below_covers_the_whole_reference_crop(float scale)
    {
        Assert.Equal((0, 16), MultiScaleTest.CoveredRange(16, scale));
        Assert.Equal((0, 7), MultiScaleTest.CoveredRange(7, scale));
    }

    /// <summary>Zoomed in 2×, a 16-pixel heatmap covers the reference pixels whose centres lie within 4 of the centre 8: 4 to 11.</summary>
    [Fact]
    public void Zooming_in_two_times_covers_the_middle_half()
    {
        Assert.Equal((4, 12), MultiScaleTest.CoveredRange(16, 2f));
        var source = new float[16 * 16];
        source.AsSpan().Fill(1);
        var resampled = new float[source.Length];
        MultiScaleTest.Resample(source, 16, 16, 2f, resampled);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                Assert.Equal(x is >= 4 and < 12 && y is >= 4 and < 12 ? 1f : float.NaN, resampled[y * 16 + x]);
    }

    /// <summary>The covered range is exactly the reference pixels whose centre maps inside the scaled crop.</summary>
    [Property(MaxTest = 200)]
    public void Covered_range_matches_its_definition(byte sizeSeed, ushort scaleSeed)
    {
        int size = sizeSeed % 100 + 1;
        float scale = MultiScaleTest.MinScale + scaleSeed / (float)ushort.MaxValue * (MultiScaleTest.MaxScale - MultiScaleTest.MinScale);
        var (start, end) = MultiScaleTest.CoveredRange(size, scale);
        for (int x = 0; x < size; x++)
        {
            double q = scale * (x + 0.5 - size / 2.0) + size / 2.0;
            Assert.Equal(q >= 0 && q <= size, x >= start && x < end);
        }
    }

    [Fact]
    public void Scale_one_copies_bit_for_bit()
    {
        var random = new Random(4);
        float[] heatmaps = TestArrays.Uniform(random, 3 * 13 * 9);
        heatmaps[5] = float.PositiveInfinity; // a non-finite neighbour must not leak into the copy
        var resampled = new float[heatmaps.Length];
        MultiScaleTest.Resample(heatmaps, 13, 9, 1f, resampled);
        Assert.True(heatmaps.AsSpan().SequenceEqual(resampled));
        var averaged = new float[heatmaps.Length];
        MultiScaleTest.Average(heatmaps, 13, 9, [1f], averaged);
        Assert.True(heatmaps.AsSpan().SequenceEqual(averaged));
    }

    /// <summary>
    /// Bilinear resampling reproduces a linear ramp: every covered pixel takes the ramp at its centre's source position
    /// (held at the edge value within half a pixel of the border), every other pixel is NaN.
    /// </summary>
    [Property(MaxTest = 100)]
    public void Resampling_reproduces_a_linear_ramp(byte widthSeed, byte heightSeed, ushort scaleSeed, int seed)
    {
        int width = widthSeed % 40 + 1, height = heightSeed % 40 + 1;
        float scale = MultiScaleTest.MinScale + scaleSeed / (float)ushort.MaxValue * (MultiScaleTest.MaxScale - MultiScaleTest.MinScale);
        var random = new Random(seed);
        float a = random.NextSingle() * 2 - 1, b = random.NextSingle() * 2 - 1, c = random.NextSingle();
        var source = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                source[y * width + x] = a * x + b * y + c;

        var resampled = new float[source.Length];
        MultiScaleTest.Resample(source, width, height, scale, resampled);
        for (int y = 0; y < height; y++)
        {
            double qy = scale * (y + 0.5 - height / 2.0) + height / 2.0;
            for (int x = 0; x < width; x++)
            {
                double qx = scale * (x + 0.5 - width / 2.0) + width / 2.0;
                float actual = resampled[y * width + x];
                if (qx < 0 || qx > width || qy < 0 || qy > height)
                {
                    Assert.True(float.IsNaN(actual), $"({x}, {y}) is outside the scale-{scale} crop but holds {actual}");
                    continue;
                }
                double expected = a * Math.Clamp(qx - 0.5, 0, width - 1) + b * Math.Clamp(qy - 0.5, 0, height - 1) + c;
                Assert.True(Math.Abs(actual - expected) < 1e-4 * (1 + Math.Abs(expected)),
                    $"({x}, {y}) of {width}x{height} at scale {scale}: {actual}, expected {expected}");
            }
        }
    }

    /// <summary>Each pixel of the average is the mean of the resampled scales that cover it, NaN where none does.</summary>
    [Property(MaxTest = 60)]
    public void Average_is_the_mean_over_the_covering_scales(byte widthSeed, byte heightSeed, bool withOne, int seed)
    {
        int width = widthSeed % 30 + 1, height = heightSeed % 30 + 1, joints = 2, block = joints * width * height;
        var random = new Random(seed);
        float[] scales = withOne ? [1.3f, 1f, 0.6f] : [1.5f, 2.5f, 1.1f];
        float[] perScale = TestArrays.Uniform(random, scales.Length * block);
        var resampled = new float[scales.Length][];
        for (int k = 0; k < scales.Length; k++)
        {
            resampled[k] = new float[block];
            MultiScaleTest.Resample(perScale.AsSpan(k * block, block), width, height, scales[k], resampled[k]);
        }
        var averaged = new float[block];
        MultiScaleTest.Average(perScale, width, height, scales, averaged);
        for (int i = 0; i < block; i++)
        {
            var covering = resampled.Select(r => r[i]).Where(v => !float.IsNaN(v)).ToArray();
            if (covering.Length == 0)
            {
                Assert.False(withOne, "a set with scale 1 covers every pixel");
                Assert.True(float.IsNaN(averaged[i]));
            }
            else
            {
                Assert.Equal(covering.Sum() / covering.Length, averaged[i], 5e-6f);
            }
        }
    }

    [Fact]
    public void Resampling_and_averaging_allocate_nothing()
    {
        int w = 64, h = 64, block = 16 * w * h;
        float[] scales = [0.8f, 1f, 1.2f];
        float[] perScale = TestArrays.Uniform(new Random(2), scales.Length * block);
        var destination = new float[block];
        MultiScaleTest.Average(perScale, w, h, scales, destination);
        MultiScaleTest.Resample(perScale.AsSpan(0, block), w, h, 1.2f, destination);

        WarmAllocations.AssertNone(() =>
        {
            MultiScaleTest.Average(perScale, w, h, scales, destination);
            MultiScaleTest.Resample(perScale.AsSpan(0, block), w, h, 1.2f, destination);
        }, "averaging and resampling");
    }

    [Fact]
    public void Bad_scales_and_shapes_are_rejected()
    {
        var a = new float[2 * 4 * 4];
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiScaleTest.Resample(a, 4, 4, 0f, new float[a.Length]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiScaleTest.Resample(a, 4, 4, float.NaN, new float[a.Length]));
        Assert.Throws<ArgumentException>(() => MultiScaleTest.Resample(a, 4, 4, 1f, new float[a.Length - 1]));
        Assert.Throws<ArgumentException>(() => MultiScaleTest.Resample(a, 5, 4, 1f, new float[a.Length]));
        Assert.Throws<ArgumentException>(() => MultiScaleTest.Average(a, 4, 4, [], new float[16]));
        Assert.Throws<ArgumentException>(() => MultiScaleTest.Average(a, 4, 4, [1f], new float[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiScaleTest.Average(a, 4, 4, [1f, -1f], new float[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiScaleTest.CoveredRange(0, 1f));

        MultiScaleTest.Validate([0.25f, 1f, 4f], "scales");
        Assert.Throws<ArgumentNullException>(() => MultiScaleTest.Validate(null!, "scales"));
        foreach (float[] bad in new[] { [], [0.2f], [4.5f], [float.NaN], [float.PositiveInfinity], [-1f], [1f, 0.8f, 1f], Enumerable.Repeat(1f, 9).Select((s, i) => s + i * 0.1f).ToArray() })
        {
            var e = Assert.Throws<ArgumentException>(() => MultiScaleTest.Validate(bad, "scales"));
            Assert.Equal("scales", e.ParamName);
        }
    }

    private static void DrawGaussian(Span<float> heatmap, int width, int height, Vector2 centre)
    {
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float dx = x + 0.5f - centre.X, dy = y + 0.5f - centre.Y;
                heatmap[y * width + x] = MathF.Exp(-(dx * dx + dy * dy) / 2);
            }
    }
}

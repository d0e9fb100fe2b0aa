using HourglassSimd.TestSupport;
using FsCheck.Xunit;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class FlipTestTests
{
    [Fact]
    public void Averages_with_the_mirrored_back_and_swapped_heatmaps()
    {
        // 3 joints (0 left, 1 centre, 2 right; pair (0, 2)), 4×2 heatmaps.
        int[] permutation = [2, 1, 0];
        float[] plain =
        [
            1, 2, 3, 4, /**/ 5, 6, 7, 8,          // joint 0
            0, 0, 0, 0, /**/ 0, 0, 0, 10,         // joint 1
            9, 9, 9, 9, /**/ 9, 9, 9, 9,          // joint 2
        ];
        float[] flipped =
        [
            10, 20, 30, 40, /**/ 50, 60, 70, 80,  // joint 0 of the mirrored crop = joint 2 of the original, mirrored
            1, 0, 0, 0, /**/ 0, 0, 0, 0,          // joint 1
            4, 3, 2, 1, /**/ 8, 7, 6, 5,          // joint 2 of the mirrored crop = joint 0 mirrored
        ];
        var result = new float[plain.Length];
        FlipTest.Average(plain, flipped, 4, 2, permutation, result);
        Assert.Equal(
        [
            1, 2, 3, 4, /**/ 5, 6, 7, 8,          // (plain 0 + mirror(flipped 2)) / 2: mirror(4 3 2 1) = 1 2 3 4
            0, 0, 0, 0.5f, /**/ 0, 0, 0, 5,       // (plain 1 + mirror(flipped 1)) / 2
            24.5f, 19.5f, 14.5f, 9.5f, /**/ 44.5f, 39.5f, 34.5f, 29.5f, // (9 + mirror(10 20 30 40)) / 2
        ], result);

        var back = new float[plain.Length];
        FlipTest.MirrorBack(flipped, 4, 2, permutation, back);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8], back[..8]);
        Assert.Equal([40f, 30, 20, 10, 80, 70, 60, 50], back[16..]);
    }

    /// <summary>Any width (rows wider than the 256-column chunk too), in place or not: the scalar formula, bit for bit.</summary>
    [Property(MaxTest = 60)]
    public void Average_and_mirror_equal_the_scalar_formula(ushort w, byte h, bool inPlace, int seed)
    {
        int width = w % 700 + 1, height = h % 4 + 1, plane = width * height;
        int[] permutation = [1, 0, 2];
        var random = new Random(seed);
        float[] plain = TestArrays.Uniform(random, 3 * plane), flipped = TestArrays.Uniform(random, 3 * plane);
        var expected = new float[plain.Length];
        var mirrored = new float[plain.Length];
        for (int j = 0; j < 3; j++)
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float source = flipped[permutation[j] * plane + y * width + width - 1 - x];
            mirrored[j * plane + y * width + x] = source;
            expected[j * plane + y * width + x] = (plain[j * plane + y * width + x] + source) * 0.5f;
        }

        var actual = inPlace ? plain : new float[plain.Length];
        FlipTest.Average(plain, flipped, width, height, permutation, actual);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"average {width}x{height} inPlace={inPlace} seed={seed}");
        var back = new float[plain.Length];
        FlipTest.MirrorBack(flipped, width, height, permutation, back);
        Assert.True(mirrored.AsSpan().SequenceEqual(back), $"mirror {width}x{height} seed={seed}");
    }

    [Fact]
    public void A_perfectly_mirror_consistent_pair_averages_to_the_original()
    {
        var random = new Random(17);
        var layout = JointLayout.Mpii16;
        int w = 16, h = 16, plane = w * h;
        var plain = new float[16 * plane];
        for (int i = 0; i < plain.Length; i++)
            plain[i] = random.NextSingle();
        // What an ideal network would output on the mirrored crop: channel j = mirror of the original's perm[j].
        var flipped = new float[plain.Length];
        for (int j = 0; j < 16; j++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    flipped[j * plane + y * w + x] = plain[layout.FlipPermutation[j] * plane + y * w + (w - 1 - x)];
        var averaged = new float[plain.Length];
        FlipTest.Average(plain, flipped, w, h, layout.FlipPermutationSpan, averaged);
        Assert.Equal(plain, averaged);
        // In place (destination = the unflipped heatmaps) gives the same.
        FlipTest.Average(plain, flipped, w, h, layout.FlipPermutationSpan, plain);
        Assert.Equal(averaged, plain);
    }

    [Fact]
    public void Decoding_mirrored_back_heatmaps_mirrors_the_keypoints_across_the_flip_pairs()
    {
        var layout = JointLayout.Mpii16;
        var random = new Random(3);
        int w = 64, plane = w * w;
        var flipped = new float[16 * plane];
        var peaks = new (int X, int Y)[16];
        for (int j = 0; j < 16; j++)
        {
            peaks[j] = (2 + random.Next(60), 2 + random.Next(60));
            flipped[j * plane + peaks[j].Y * w + peaks[j].X] = 1;
        }
        var back = new float[flipped.Length];
        FlipTest.MirrorBack(flipped, w, w, layout.FlipPermutationSpan, back);
        for (int j = 0; j < 16; j++)
        {
            var peak = HeatmapDecoder.FindPeak(back.AsSpan(j * plane, plane), w, w);
            var source = peaks[layout.FlipPermutation[j]];
            Assert.Equal((w - 1 - source.X, source.Y), (peak.ArgmaxX, peak.ArgmaxY));
        }
    }

    [Fact]
    public void Bad_shapes_and_permutations_are_rejected()
    {
        var a = new float[2 * 4];
        Assert.Throws<ArgumentException>(() => FlipTest.Average(a, a, 2, 2, [0, 0], new float[8]));
        Assert.Throws<ArgumentException>(() => FlipTest.Average(a, a, 2, 2, [0, 1, 2], new float[8]));
        Assert.Throws<ArgumentException>(() => FlipTest.MirrorBack(a, 2, 2, [1, 0], new float[7]));
    }
}

using FsCheck.Xunit;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

/// <summary><see cref="PeakRefinement.Taylor"/> (DARK): continuous peaks, and the quarter offset where it has no answer.</summary>
public sealed class TaylorRefinementTests
{
    private const int Size = 32;

    /// <summary>
    /// A sampled Gaussian blob (any centre at least 4 pixels from the edge, sigma 0.8 to 2.5, either axis) decodes to its
    /// centre within 0.05 pixel, where the quarter offset can be off by up to a quarter pixel.
    /// </summary>
    [Property(MaxTest = 200)]
    public void A_sampled_Gaussian_decodes_to_its_centre(ushort cxBits, ushort cyBits, byte sxBits, byte syBits, byte heightBits)
    {
        float cx = 4 + cxBits / 65535f * (Size - 8), cy = 4 + cyBits / 65535f * (Size - 8);
        float sx = 0.8f + sxBits / 255f * 1.7f, sy = 0.8f + syBits / 255f * 1.7f;
        float height = 0.05f + heightBits / 255f;
        var map = Gaussian(cx, cy, sx, sy, height);

        var peak = HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.Taylor);

        Assert.InRange(peak.X - cx, -0.05f, 0.05f);
        Assert.InRange(peak.Y - cy, -0.05f, 0.05f);
        Assert.Equal(HeatmapDecoder.FindPeak(map, Size, Size).Confidence, peak.Confidence);
    }

    [Fact]
    public void It_is_closer_than_the_quarter_offset_between_pixel_centres()
    {
        // A centre 0.4 px right of a pixel centre: the quarter offset lands 0.15 px short.
        var map = Gaussian(15.9f, 12.5f, 1f, 1f, 1f);
        Assert.Equal(15.75f, HeatmapDecoder.FindPeak(map, Size, Size).X);
        Assert.InRange(HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.Taylor).X, 15.88f, 15.92f);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(31, 10)]
    [InlineData(10, 0)]
    [InlineData(10, 31)]
    public void A_peak_on_the_border_falls_back_to_the_quarter_offset(int kx, int ky)
    {
        var map = Gaussian(kx + 0.5f, ky + 0.5f, 1f, 1f, 1f);
        map[ky * Size + kx] = 2f;
        Assert.Equal(HeatmapDecoder.FindPeak(map, Size, Size), HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.Taylor));
    }

    [Fact]
    public void A_maximum_of_zero_or_less_falls_back_to_the_quarter_offset()
    {
        var map = Gaussian(10.3f, 20.7f, 1f, 1f, 1f);
        for (int i = 0; i < map.Length; i++)
            map[i] -= 2f;
        Assert.Equal(HeatmapDecoder.FindPeak(map, Size, Size), HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.Taylor));
    }

    [Fact]
    public void A_flat_plateau_or_a_NaN_neighbour_falls_back_to_the_quarter_offset()
    {
        var flat = new float[Size * Size];
        Array.Fill(flat, 0.5f);
        Assert.Equal(HeatmapDecoder.FindPeak(flat, Size, Size), HeatmapDecoder.FindPeak(flat, Size, Size, PeakRefinement.Taylor));

        var withNaN = Gaussian(12.2f, 9.6f, 1f, 1f, 1f);
        withNaN[9 * Size + 13] = float.NaN;
        Assert.Equal(HeatmapDecoder.FindPeak(withNaN, Size, Size), HeatmapDecoder.FindPeak(withNaN, Size, Size, PeakRefinement.Taylor));
    }

    [Fact]
    public void The_shift_never_exceeds_one_pixel()
    {
        // Two blobs side by side: the smoothed surface is nearly flat across them, so an unclamped step could jump far.
        var map = Gaussian(10.5f, 16.5f, 1f, 1f, 1f);
        var second = Gaussian(14.5f, 16.5f, 1f, 1f, 0.999f);
        for (int i = 0; i < map.Length; i++)
            map[i] += second[i];
        var peak = HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.Taylor);
        Assert.InRange(peak.X - (peak.ArgmaxX + 0.5f), -1f, 1f);
        Assert.InRange(peak.Y - (peak.ArgmaxY + 0.5f), -1f, 1f);
    }

    /// <summary>A Gaussian blob sampled at pixel centres (pixel k is centred at k + 0.5).</summary>
    private static float[] Gaussian(float cx, float cy, float sx, float sy, float height)
    {
        var map = new float[Size * Size];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                float u = (x + 0.5f - cx) / sx, v = (y + 0.5f - cy) / sy;
                map[y * Size + x] = height * MathF.Exp(-0.5f * (u * u + v * v));
            }
        return map;
    }
}

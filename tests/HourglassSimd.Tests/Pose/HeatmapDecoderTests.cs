using System.Numerics;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class HeatmapDecoderTests
{
    private const int Size = 64;

    [Theory]
    [InlineData(20, 30)]
    [InlineData(1, 1)]
    [InlineData(62, 62)]
    public void Single_peak_with_equal_neighbours_decodes_to_the_pixel_centre(int kx, int ky)
    {
        var map = Peak(kx, ky, 1f);
        var peak = HeatmapDecoder.FindPeak(map, Size, Size);
        Assert.Equal(new HeatmapPeak(kx + 0.5f, ky + 0.5f, 1f, kx, ky), peak);
    }

    [Theory]
    [InlineData(0.5f, 0f, 0f, 0f, 0.25f, 0f)]     // right neighbour higher → +0.25 in x
    [InlineData(0f, 0.5f, 0f, 0f, -0.25f, 0f)]    // left higher → −0.25
    [InlineData(0f, 0f, 0.5f, 0f, 0f, 0.25f)]     // lower row (y + 1) higher → +0.25 in y
    [InlineData(0f, 0f, 0f, 0.5f, 0f, -0.25f)]    // upper row higher → −0.25
    [InlineData(0.5f, 0.2f, 0.1f, 0.3f, 0.25f, -0.25f)]
    public void Quarter_offset_moves_toward_the_higher_neighbour(float right, float left, float down, float up, float dx, float dy)
    {
        var map = Peak(20, 30, 1f);
        map[30 * Size + 21] = right;
        map[30 * Size + 19] = left;
        map[31 * Size + 20] = down;
        map[29 * Size + 20] = up;
        var peak = HeatmapDecoder.FindPeak(map, Size, Size);
        Assert.Equal(20.5f + dx, peak.X);
        Assert.Equal(30.5f + dy, peak.Y);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(63, 10)]
    [InlineData(10, 0)]
    [InlineData(10, 63)]
    [InlineData(0, 0)]
    [InlineData(63, 63)]
    public void Border_peaks_are_not_shifted_under_the_reference_rule(int kx, int ky)
    {
        var map = Peak(kx, ky, 2f);
        // Make every in-range neighbour different so that an (incorrect) shift would show.
        if (kx + 1 < Size) map[ky * Size + kx + 1] = 1.5f;
        if (kx - 1 >= 0) map[ky * Size + kx - 1] = 0.5f;
        if (ky + 1 < Size) map[(ky + 1) * Size + kx] = 1.5f;
        if (ky - 1 >= 0) map[(ky - 1) * Size + kx] = 0.5f;
        var peak = HeatmapDecoder.FindPeak(map, Size, Size);
        Assert.Equal(kx + 0.5f, peak.X);
        Assert.Equal(ky + 0.5f, peak.Y);
        Assert.Equal(2f, peak.Confidence);
    }

    [Fact]
    public void First_maximum_in_row_major_order_wins()
    {
        var map = new float[Size * Size];
        map[40 * Size + 5] = 0.9f;
        map[10 * Size + 50] = 0.9f;  // earlier row
        map[10 * Size + 51] = 0.9f;  // same row, later column
        var peak = HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.None);
        Assert.Equal((50, 10), (peak.ArgmaxX, peak.ArgmaxY));
    }

    [Fact]
    public void NaN_never_wins()
    {
        var map = Peak(7, 9, 0.3f);
        map[0] = float.NaN;
        map[100] = float.NaN;
        var peak = HeatmapDecoder.FindPeak(map, Size, Size);
        Assert.Equal((7, 9), (peak.ArgmaxX, peak.ArgmaxY));
    }

    [Fact]
    public void Princeton_rule_uses_the_centre_for_missing_neighbours_and_ties_go_negative()
    {
        // Border peak at x = 0: the missing left neighbour takes the centre value (1) > right (0.5) → −0.25.
        var map = Peak(0, 10, 1f);
        map[10 * Size + 1] = 0.5f;
        var peak = HeatmapDecoder.FindPeak(map, Size, Size, PeakRefinement.PrincetonVl);
        Assert.Equal(0.25f, peak.X);   // 0 + 0.5 − 0.25
        Assert.Equal(10.25f, peak.Y);  // tie (0 vs 0) → −0.25
        // Non-positive maximum: no refinement and no half-pixel centring.
        var negative = new float[Size * Size];
        Array.Fill(negative, -1f);
        negative[5 * Size + 6] = -0.5f;
        Assert.Equal(new HeatmapPeak(6, 5, -0.5f, 6, 5), HeatmapDecoder.FindPeak(negative, Size, Size, PeakRefinement.PrincetonVl));
    }

    [Fact]
    public void Decode_maps_peaks_to_image_coordinates_through_the_crop()
    {
        // hourglass-spec §5: a single peak at k with equal neighbours decodes to c + (k + 0.5 − 32)·h/64.
        var layout = JointLayout.Custom(2);
        var box = new PersonBox(300, 200, 1.6f);  // h = 320
        var transform = new CropTransform(box, 256, 256);
        var maps = new float[2 * Size * Size];
        maps[12 * Size + 40] = 0.8f;
        maps[Size * Size + 50 * Size + 3] = 0.6f;
        maps[Size * Size + 50 * Size + 4] = 0.1f;  // right neighbour higher → +0.25 in x
        var pose = HeatmapDecoder.Decode(maps, transform, layout);
        Assert.Equal(300 + (40.5f - 32) * 320 / 64, pose.Keypoints[0].X, 3);
        Assert.Equal(200 + (12.5f - 32) * 320 / 64, pose.Keypoints[0].Y, 3);
        Assert.Equal(0.8f, pose.Keypoints[0].Confidence);
        Assert.Equal("joint_0", pose.Keypoints[0].Name);
        Assert.Equal(300 + (3.75f - 32) * 320 / 64, pose.Keypoints[1].X, 3);
        Assert.Equal((0.8f + 0.6f) / 2, pose.Score, 6);
        Assert.Equal(box, pose.Box);
    }

    [Theory]
    [InlineData(25f)]
    [InlineData(-140f)]
    public void Decode_undoes_the_rotation(float rotation)
    {
        var box = new PersonBox(410, 260, 2.2f, rotation);
        var transform = new CropTransform(box, 256, 256);
        var joint = new Vector2(455.3f, 198.7f);
        var onMap = transform.ImageToHeatmap(joint);
        var maps = Peak((int)onMap.X, (int)onMap.Y, 1f);
        var pose = HeatmapDecoder.Decode(maps, transform, JointLayout.Custom(1), PeakRefinement.None);
        // The decoded point is the centre of the heatmap pixel holding the joint: within half a heatmap pixel's diagonal.
        double halfDiagonal = Math.Sqrt(0.5) * transform.ImagePixelsPerInputPixel * 4;
        Assert.True(Vector2.Distance(joint, new Vector2(pose.Keypoints[0].X, pose.Keypoints[0].Y)) <= halfDiagonal + 1e-3);
        var exact = transform.HeatmapToImage(new Vector2((int)onMap.X + 0.5f, (int)onMap.Y + 0.5f));
        Assert.Equal(exact.X, pose.Keypoints[0].X, 3);
        Assert.Equal(exact.Y, pose.Keypoints[0].Y, 3);
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        Assert.Equal("heatmap", Assert.Throws<ArgumentException>(() => HeatmapDecoder.FindPeak(new float[10], 4, 4)).ParamName);
        var transform = new CropTransform(new PersonBox(0, 0, 1), 256, 256);
        Assert.Equal("heatmaps", Assert.Throws<ArgumentException>(
            () => HeatmapDecoder.Decode(new float[15 * Size * Size], transform, JointLayout.Mpii16)).ParamName);
    }

    private static float[] Peak(int kx, int ky, float value)
    {
        var map = new float[Size * Size];
        map[ky * Size + kx] = value;
        return map;
    }
}

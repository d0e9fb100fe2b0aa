using System.Numerics;
using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class CropTransformTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(30f)]
    [InlineData(-75f)]
    [InlineData(180f)]
    [InlineData(337.5f)]
    public void Image_to_heatmap_to_image_round_trips_within_a_hundredth_of_a_pixel(float rotation)
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 200; trial++)
        {
            var box = new PersonBox(random.NextSingle() * 4000, random.NextSingle() * 3000, 0.05f + random.NextSingle() * 10, rotation);
            var transform = new CropTransform(box, 256, 256);
            var image = new Vector2(box.CenterX + (random.NextSingle() - 0.5f) * box.Size * 1.5f, box.CenterY + (random.NextSingle() - 0.5f) * box.Size * 1.5f);
            var back = transform.HeatmapToImage(transform.ImageToHeatmap(image));
            Assert.True(Vector2.Distance(image, back) < 0.01f, $"trial {trial}: {box} image {image} came back as {back}");
            var viaInput = transform.InputToImage(transform.ImageToInput(image));
            Assert.True(Vector2.Distance(image, viaInput) < 0.01f, $"trial {trial}: {box} image {image} came back as {viaInput} via the input");
        }
    }

    [Fact]
    public void Unrotated_box_corners_map_to_input_corners_and_heatmap_follows_spec_formula()
    {
        // s = 1.5 → box side 300 px centred at (400, 250): corners at 250..550, 100..400.
        var transform = new CropTransform(new PersonBox(400, 250, 1.5f), 256, 256);
        AssertClose(new Vector2(0, 0), transform.ImageToInput(new Vector2(250, 100)));
        AssertClose(new Vector2(256, 256), transform.ImageToInput(new Vector2(550, 400)));
        AssertClose(new Vector2(128, 128), transform.ImageToInput(new Vector2(400, 250)));
        // hourglass-spec §3.2 step 5: x = cx + (p_x − 32)·h/64.
        var image = transform.HeatmapToImage(new Vector2(40.75f, 10.25f));
        AssertClose(new Vector2(400 + (40.75f - 32) * 300 / 64, 250 + (10.25f - 32) * 300 / 64), image);
        Assert.Equal(300.0 / 256, transform.ImagePixelsPerInputPixel, 12);
        Assert.Equal(64, transform.HeatmapWidth);
    }

    [Fact]
    public void Positive_rotation_turns_the_content_counter_clockwise_on_screen()
    {
        var transform = new CropTransform(new PersonBox(100, 100, 1f, 90f), 256, 256);
        // A point 50 px right of the centre ends up above the input centre (y axis down): scale 256/200.
        AssertClose(new Vector2(128, 128 - 50 * 1.28f), transform.ImageToInput(new Vector2(150, 100)));
        // And a point below the centre ends up to the right.
        AssertClose(new Vector2(128 + 50 * 1.28f, 128), transform.ImageToInput(new Vector2(100, 150)));
    }

    [Fact]
    public void Non_square_input_fits_the_box_along_its_shorter_side()
    {
        // 192 wide × 256 high: the 200 px box maps onto the 192 px width.
        var transform = new CropTransform(new PersonBox(0, 0, 1f), 192, 256);
        AssertClose(new Vector2(0, 128 - 100 * 0.96f), transform.ImageToInput(new Vector2(-100, -100)));
        Assert.Equal(48, transform.HeatmapWidth);
        Assert.Equal(64, transform.HeatmapHeight);
    }

    [Fact]
    public void Box_factories_follow_the_spec()
    {
        var rect = PersonBox.FromRectangle(10, 20, 100, 300);
        Assert.Equal(60f, rect.CenterX);
        Assert.Equal(170f, rect.CenterY);
        Assert.Equal(300f / 200 * 1.25f, rect.Scale, 6);

        var whole = PersonBox.WholeImage(640, 480);
        Assert.Equal(new PersonBox(320, 240, 3.2f), whole);

        var mpii = PersonBox.FromMpiiAnnotation(500, 300, 2f);
        Assert.Equal(500f, mpii.CenterX);
        Assert.Equal(330f, mpii.CenterY);
        Assert.Equal(2.5f, mpii.Scale);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_their_names()
    {
        Assert.Equal("box", Assert.Throws<ArgumentException>(() => new CropTransform(default, 256, 256)).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => new PersonBox(0, 0, -1)).ParamName);
        Assert.Equal("centerX", Assert.Throws<ArgumentOutOfRangeException>(() => new PersonBox(float.NaN, 0, 1)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => PersonBox.FromRectangle(0, 0, 0, 10)).ParamName);
        Assert.Equal("outputStride", Assert.Throws<ArgumentOutOfRangeException>(() => new CropTransform(new PersonBox(0, 0, 1), 256, 256, 3)).ParamName);
    }

    private static void AssertClose(Vector2 expected, Vector2 actual, float tolerance = 1e-3f) =>
        Assert.True(Vector2.Distance(expected, actual) < tolerance, $"expected {expected}, got {actual}");
}

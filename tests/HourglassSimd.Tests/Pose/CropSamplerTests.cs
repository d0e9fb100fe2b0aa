using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class CropSamplerTests
{
    [Fact]
    public void One_to_one_crop_reads_each_pixel_at_its_centre()
    {
        // A 64×64 image, box = the image (s = 64/200): input pixel (i, j) must be image pixel (j, i) exactly.
        var image = PoseTestImages.Random(64, 64, seed: 5);
        var transform = new CropTransform(new PersonBox(32, 32, 0.32f), 64, 64);
        var input = new float[3 * 64 * 64];
        new CropSampler().Sample(image, transform, InputNormalization.Default, input);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    float expected = image.Pixels[y * image.Stride + 3 * x + c] / 255f;
                    Assert.True(Math.Abs(input[(c * 64 + y) * 64 + x] - expected) < 1e-5f, $"channel {c}, ({x}, {y})");
                }
            }
        }
    }

    [Fact]
    public void Outside_the_image_is_black_and_edges_fade_over_one_pixel()
    {
        var image = PoseTestImages.Solid(64, 64, 200, 100, 50);
        // Shift the box 32 px right: input columns 32..63 fall beyond the image's right edge.
        var transform = new CropTransform(new PersonBox(64, 32, 0.32f), 64, 64);
        var input = new float[3 * 64 * 64];
        new CropSampler().Sample(image, transform, InputNormalization.Default, input);
        Assert.Equal(200 / 255f, input[10 * 64 + 31], 5);          // last image column, inside
        Assert.Equal(0f, input[10 * 64 + 32]);                     // first column outside
        Assert.Equal(0f, input[2 * 64 * 64 + 63 * 64 + 63]);      // blue, far corner outside

        // Half a pixel beyond the edge the bilinear taps mix one real pixel with black.
        var half = new CropTransform(new PersonBox(64.5f, 32, 0.32f), 64, 64);
        new CropSampler().Sample(image, half, InputNormalization.Default, input);
        Assert.Equal(0.5f * 100 / 255f, input[64 * 64 + 5 * 64 + 31], 5);
    }

    [Fact]
    public void Mirrored_crop_is_the_exact_mirror_image()
    {
        var image = PoseTestImages.Random(120, 90, seed: 9);
        var transform = new CropTransform(new PersonBox(57.3f, 44.1f, 0.37f, 17f), 64, 64);
        var plain = new float[3 * 64 * 64];
        var mirrored = new float[3 * 64 * 64];
        var sampler = new CropSampler();
        sampler.Sample(image, transform, InputNormalization.Default, plain);
        sampler.Sample(image, transform, InputNormalization.Default, mirrored, mirror: true);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    Assert.Equal(plain[(c * 64 + y) * 64 + x], mirrored[(c * 64 + y) * 64 + 63 - x]);
    }

    [Fact]
    public void Normalisation_subtracts_the_mean_and_divides_by_the_deviation()
    {
        var image = PoseTestImages.Solid(8, 8, 255, 0, 51);
        var transform = new CropTransform(new PersonBox(4, 4, 0.04f), 64, 64);
        var input = new float[3 * 64 * 64];
        new CropSampler().Sample(image, transform, InputNormalization.MeanSubtracted, input);
        Assert.Equal(1f - 0.4404f, input[32 * 64 + 32], 5);
        Assert.Equal(-0.4440f, input[64 * 64 + 32 * 64 + 32], 5);
        Assert.Equal(0.2f - 0.4327f, input[2 * 64 * 64 + 32 * 64 + 32], 5);

        var imageNet = new InputNormalization([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
        new CropSampler().Sample(image, transform, imageNet, input);
        Assert.Equal((1f - 0.485f) / 0.229f, input[32 * 64 + 32], 4);
    }

    [Fact]
    public void Row_padding_in_the_stride_is_ignored()
    {
        var tight = PoseTestImages.Random(50, 40, seed: 3);
        var padded = new byte[40 * 160];
        for (int y = 0; y < 40; y++)
            tight.GetRow(y).CopyTo(padded.AsSpan(y * 160));
        var transform = new CropTransform(new PersonBox(25, 20, 0.3f, 10f), 64, 64);
        var a = new float[3 * 64 * 64];
        var b = new float[3 * 64 * 64];
        new CropSampler().Sample(tight, transform, InputNormalization.Default, a);
        new CropSampler().Sample(padded, 50, 40, 160, transform, InputNormalization.Default, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Anti_aliasing_averages_a_fine_checkerboard_to_grey()
    {
        // 1-pixel checkerboard, box 4× the input: without a low-pass the crop aliases to a pattern; with the
        // 4×4 box pre-shrink every input pixel is the mean grey.
        var image = new RgbImage(512, 512);
        for (int y = 0; y < 512; y++)
            for (int x = 0; x < 512; x++)
                if (((x + y) & 1) == 0)
                    image.SetPixel(x, y, 255, 255, 255);
        var transform = new CropTransform(new PersonBox(256, 256, 1.28f), 64, 64);
        Assert.Equal(4.0, transform.ImagePixelsPerInputPixel, 6);
        var smooth = new float[3 * 64 * 64];
        var aliased = new float[3 * 64 * 64];
        Assert.Equal(4, new CropSampler().PreShrinkFactor(transform));
        Assert.Equal(1, new CropSampler(antiAliasing: false).PreShrinkFactor(transform));
        new CropSampler(antiAliasing: true).Sample(image, transform, InputNormalization.Default, smooth);
        new CropSampler(antiAliasing: false).Sample(image, transform, InputNormalization.Default, aliased);
        for (int i = 0; i < 64 * 64; i++)
            Assert.True(Math.Abs(smooth[i] - 0.5f) < 1e-3f, $"pixel {i}: {smooth[i]}");
        // Input pixel centres land on image pixel corners here, so plain bilinear averages 4 pixels too; a rotated
        // crop shows the aliasing that the pre-shrink removes.
        var rotated = new CropTransform(new PersonBox(256, 256, 1.28f, 10f), 64, 64);
        new CropSampler(antiAliasing: true).Sample(image, rotated, InputNormalization.Default, smooth);
        new CropSampler(antiAliasing: false).Sample(image, rotated, InputNormalization.Default, aliased);
        float worstSmooth = 0, worstAliased = 0;
        for (int y = 8; y < 56; y++)
        {
            for (int x = 8; x < 56; x++)
            {
                worstSmooth = Math.Max(worstSmooth, Math.Abs(smooth[y * 64 + x] - 0.5f));
                worstAliased = Math.Max(worstAliased, Math.Abs(aliased[y * 64 + x] - 0.5f));
            }
        }
        Assert.True(worstSmooth < 0.01f, $"anti-aliased crop deviates by {worstSmooth}");
        Assert.True(worstAliased > 0.2f, $"plain crop deviates only by {worstAliased}; the test image no longer aliases");
    }

    [Fact]
    public void Pre_shrink_keeps_the_geometry()
    {
        // A white 40×40 square centred at (700, 300) in a 1600×1000 image; box side 1024 → footprint 16.
        var image = new RgbImage(1600, 1000);
        for (int y = 280; y < 320; y++)
            for (int x = 680; x < 720; x++)
                image.SetPixel(x, y, 255, 255, 255);
        var transform = new CropTransform(new PersonBox(600, 400, 5.12f), 64, 64);
        var input = new float[3 * 64 * 64];
        new CropSampler().Sample(image, transform, InputNormalization.Default, input);
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double v = input[y * 64 + x];
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        // The 16×16 cells cut the square at 8 px: the cell averages move its centroid by 0.8 image px = 0.05 input px.
        var expected = transform.ImageToInput(new(700, 300));
        Assert.True(Math.Abs(expected.X - sx / sum) < 0.1, $"centroid x {sx / sum}, expected {expected.X}");
        Assert.True(Math.Abs(expected.Y - sy / sum) < 0.1, $"centroid y {sy / sum}, expected {expected.Y}");
        // Brightness is preserved: 1600 white pixels over 16² image pixels per input pixel.
        Assert.Equal(1600.0 / 256, sum, 2);
    }

    [Fact]
    public void Crop_entirely_outside_the_image_is_black()
    {
        var image = PoseTestImages.Solid(100, 100, 255, 255, 255);
        var input = new float[3 * 64 * 64];
        var far = new CropTransform(new PersonBox(5000, 5000, 3f), 64, 64);
        new CropSampler().Sample(image, far, InputNormalization.Default, input);
        Assert.All(input, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Wrong_buffers_are_rejected()
    {
        var transform = new CropTransform(new PersonBox(4, 4, 0.04f), 64, 64);
        var sampler = new CropSampler();
        Assert.Equal("destination", Assert.Throws<ArgumentException>(
            () => sampler.Sample(new byte[8 * 8 * 3], 8, 8, 24, transform, InputNormalization.Default, new float[10])).ParamName);
        Assert.Equal("pixels", Assert.Throws<ArgumentException>(
            () => sampler.Sample(new byte[8 * 8 * 3 - 1], 8, 8, 24, transform, InputNormalization.Default, new float[3 * 64 * 64])).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(
            () => sampler.Sample(new byte[8 * 8 * 3], 8, 8, 20, transform, InputNormalization.Default, new float[3 * 64 * 64])).ParamName);
    }
}

using HourglassSimd.Pose;

namespace HourglassSimd.Training.Tests;

/// <summary>Augmentation acts on the <see cref="PersonBox"/>; the engine's <see cref="CropTransform"/> does the rest.</summary>
public sealed class AugmentationTests
{
    private static readonly PersonBox Box = new(300, 200, 1.25f); // 250 px box

    [Fact]
    public void Identity_LeavesTheBoxAsItIs()
    {
        Assert.Equal(Box, Augmentation.Identity.ApplyTo(Box));
        Assert.Equal(Box, new Augmentation(0, 1, Flip: true).ApplyTo(Box)); // the flip is the sampler's mirror, not the box
    }

    [Fact]
    public void ScaleAndRotation_ScaleTheBoxAndAddToItsRotation()
    {
        PersonBox box = new Augmentation(17, 1.2f, Flip: false).ApplyTo(Box.WithRotation(3));
        Assert.Equal(Box.CenterX, box.CenterX);
        Assert.Equal(Box.CenterY, box.CenterY);
        Assert.Equal(1.25f * 1.2f, box.Scale, 6);
        Assert.Equal(20f, box.RotationDegrees, 5);
    }

    [Fact]
    public void BoxCentre_MapsToInputCentre_ForAnyRotationAndScale()
    {
        foreach (float rotation in new[] { 0f, 17f, -30f })
        {
            foreach (float scale in new[] { 0.75f, 1f, 1.25f })
            {
                var transform = new CropTransform(new Augmentation(rotation, scale, false).ApplyTo(Box), 256, 256);
                transform.ImageToInput(300, 200, out double u, out double v);
                Assert.Equal(128, u, 9);
                Assert.Equal(128, v, 9);
            }
        }
    }

    [Fact]
    public void WithoutRotation_IsTheSpecForwardMap_WithTheScaledBoxSide()
    {
        // u = res·(x − cx)/h + res/2 with h = 200·s·factor (spec §2.2).
        var transform = new CropTransform(new Augmentation(0, 0.8f, false).ApplyTo(Box), 256, 256);
        double side = 200 * (double)(1.25f * 0.8f);
        transform.ImageToInput(350, 120, out double u, out double v);
        Assert.Equal(256 * (350 - 300) / side + 128, u, 4);
        Assert.Equal(256 * (120 - 200) / side + 128, v, 4);
    }

    [Fact]
    public void Rotation_PreservesDistances_AndTheTransformInverts()
    {
        var transform = new CropTransform(new Augmentation(30, 1, false).ApplyTo(new PersonBox(0, 0, 1.28f)), 256, 256);
        transform.ImageToInput(100, 0, out double u, out double v);
        Assert.Equal(100, Math.Sqrt(((u - 128) * (u - 128)) + ((v - 128) * (v - 128))), 4);
        Assert.NotEqual(228, u, 3);
        transform.InputToImage(u, v, out double x, out double y);
        Assert.Equal(100, x, 6);
        Assert.Equal(0, y, 6);
    }

    [Fact]
    public void Draw_StaysInTheDocumentedRanges_AndFlipsOnlyWhenAllowed()
    {
        var random = new Random(5);
        Augmentation[] draws = [.. Enumerable.Range(0, 200).Select(_ => Augmentation.Draw(random, allowFlip: true))];
        Assert.All(draws, a => Assert.InRange(a.RotationDegrees, -30f, 30f));
        Assert.All(draws, a => Assert.InRange(a.ScaleFactor, 0.75f, 1.25f));
        Assert.Contains(draws, a => a.Flip);
        Assert.Contains(draws, a => !a.Flip);
        Assert.All(Enumerable.Range(0, 50).Select(_ => Augmentation.Draw(random, allowFlip: false)), a => Assert.False(a.Flip));
    }
}

namespace HourglassSimd.Training.Tests;

public sealed class CropTransformTests
{
    [Fact]
    public void BoxCentre_MapsToInputCentre_ForAnyRotationAndFlip()
    {
        foreach (double rotation in new[] { 0.0, 17.0, -30.0 })
        {
            foreach (bool flip in new[] { false, true })
            {
                CropTransform map = CropTransform.Create(300, 200, boxSide: 250, resolution: 256, rotation, flip);
                (double u, double v) = map.Apply(300, 200);
                Assert.Equal(128, u, 9);
                Assert.Equal(128, v, 9);
            }
        }
    }

    [Fact]
    public void WithoutRotation_IsTheSpecForwardMap()
    {
        CropTransform map = CropTransform.Create(300, 200, boxSide: 250, resolution: 256);
        (double u, double v) = map.Apply(350, 120);
        Assert.Equal(256 * (350 - 300) / 250.0 + 128, u, 9);
        Assert.Equal(256 * (120 - 200) / 250.0 + 128, v, 9);
    }

    [Fact]
    public void Inverse_UndoesTheMap()
    {
        CropTransform map = CropTransform.Create(123.4, 56.7, boxSide: 180, resolution: 64, rotationDegrees: 23, flip: true);
        CropTransform inverse = map.Inverse();
        (double u, double v) = map.Apply(99.5, 10.25);
        (double x, double y) = inverse.Apply(u, v);
        Assert.Equal(99.5, x, 9);
        Assert.Equal(10.25, y, 9);
    }

    [Fact]
    public void Rotation_PreservesDistances()
    {
        CropTransform map = CropTransform.Create(0, 0, boxSide: 256, resolution: 256, rotationDegrees: 30);
        (double u, double v) = map.Apply(100, 0);
        Assert.Equal(100, Math.Sqrt(((u - 128) * (u - 128)) + ((v - 128) * (v - 128))), 9);
        Assert.NotEqual(228, u, 3);
    }
}

namespace HourglassSimd.Training.Tests;

public sealed class HeatmapTargetTests
{
    [Fact]
    public void JointAtPixelCentre_PeaksAtExactlyOne_WithSigmaOneFalloff()
    {
        const int Size = 64;
        var map = new float[Size * Size];
        HeatmapTarget.Draw(px: 10.5f, py: 20.5f, sigma: 1, Size, map);

        int argmax = Array.IndexOf(map, map.Max());
        Assert.Equal(20 * Size + 10, argmax);
        Assert.Equal(1f, map[argmax]);
        float neighbour = MathF.Exp(-0.5f); // one pixel away at σ = 1
        Assert.Equal(neighbour, map[20 * Size + 11], 6);
        Assert.Equal(neighbour, map[20 * Size + 9], 6);
        Assert.Equal(neighbour, map[21 * Size + 10], 6);
        Assert.Equal(neighbour, map[19 * Size + 10], 6);
        Assert.Equal(2 * Math.PI, map.Sum(v => (double)v), 3); // ∫ exp(−r²/2) = 2πσ²
    }

    [Fact]
    public void JointBetweenPixels_PeaksInThePixelThatContainsIt()
    {
        const int Size = 64;
        var map = new float[Size * Size];
        HeatmapTarget.Draw(px: 33.2f, py: 7.9f, sigma: 1, Size, map);
        int argmax = Array.IndexOf(map, map.Max());
        Assert.Equal(7 * Size + 33, argmax);
        Assert.True(map[argmax] < 1f);
    }

    [Theory]
    [InlineData(64, 1f)]
    [InlineData(16, 0.25f)]
    [InlineData(128, 2f)]
    public void DefaultSigma_IsOneAt64x64(int outputSize, float expected)
    {
        Assert.Equal(expected, HeatmapTarget.DefaultSigma(outputSize));
    }
}

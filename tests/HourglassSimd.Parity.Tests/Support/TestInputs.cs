namespace HourglassSimd.Parity.Tests.Support;

internal static class TestInputs
{
    /// <summary>A batch of images with values uniform in [0, 1) (like pixel / 255), the same for the same seed.</summary>
    public static float[] Images(HourglassArchitecture architecture, int batch, int seed)
    {
        var random = new Random(seed);
        var input = new float[batch * architecture.InputSizePerImage];
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextSingle();
        return input;
    }
}

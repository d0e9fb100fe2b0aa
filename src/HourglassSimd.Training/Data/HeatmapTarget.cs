namespace HourglassSimd.Training;

/// <summary>Gaussian ground-truth heatmaps (paper: a 2D Gaussian with σ = 1 px on the 64 × 64 output).</summary>
public static class HeatmapTarget
{
    /// <summary>σ = 1 at a 64 × 64 output; scaled with the output size so the target covers the same image area.</summary>
    public static float DefaultSigma(int outputSize) => outputSize / 64f;

    /// <summary>
    /// Writes exp(−((x − px)² + (y − py)²) / (2σ²)) evaluated at each pixel centre (x, y) = (j + 0.5, i + 0.5) into
    /// <paramref name="map"/> (size × size, row-major). (px, py) is continuous: pixel k spans [k, k+1), so a joint at a pixel
    /// centre peaks at exactly 1 there, and the decoder of spec §3.2 maps it back to the same point.
    /// </summary>
    public static void Draw(float px, float py, float sigma, int size, Span<float> map)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        if (map.Length < size * size)
        {
            throw new ArgumentException("The map is smaller than size × size.", nameof(map));
        }

        // The Gaussian is separable: one exp per row and per column.
        Span<float> gx = size <= 512 ? stackalloc float[size] : new float[size];
        Span<float> gy = size <= 512 ? stackalloc float[size] : new float[size];
        float inv2s2 = 1f / (2 * sigma * sigma);
        for (int k = 0; k < size; k++)
        {
            float dx = k + 0.5f - px, dy = k + 0.5f - py;
            gx[k] = MathF.Exp(-dx * dx * inv2s2);
            gy[k] = MathF.Exp(-dy * dy * inv2s2);
        }

        for (int i = 0; i < size; i++)
        {
            Span<float> row = map.Slice(i * size, size);
            for (int j = 0; j < size; j++)
            {
                row[j] = gy[i] * gx[j];
            }
        }
    }
}

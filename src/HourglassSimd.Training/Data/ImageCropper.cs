namespace HourglassSimd.Training;

/// <summary>Builds the network input from an RGB image by bilinear sampling through a <see cref="CropTransform"/>.</summary>
public static class ImageCropper
{
    /// <summary>
    /// Writes res × res × 3 planar RGB (CHW) values pixel/255 into <paramref name="chw"/>. Output pixel (i, j) samples the
    /// inverse map of its centre (j + 0.5, i + 0.5), read at source index minus 0.5 (spec §2.2); outside the image is black.
    /// </summary>
    /// <param name="rgb">Interleaved 8-bit RGB, row-major, <paramref name="width"/> × <paramref name="height"/>.</param>
    public static void Crop(
        ReadOnlySpan<byte> rgb, int width, int height, CropTransform imageToInput, int resolution, Span<float> chw)
    {
        int plane = resolution * resolution;
        if (rgb.Length < width * height * 3)
        {
            throw new ArgumentException("The pixel buffer is smaller than width × height × 3.", nameof(rgb));
        }

        if (chw.Length < 3 * plane)
        {
            throw new ArgumentException("The output is smaller than 3 × res × res.", nameof(chw));
        }

        CropTransform inverse = imageToInput.Inverse();
        const float Scale = 1f / 255f;
        for (int i = 0; i < resolution; i++)
        {
            for (int j = 0; j < resolution; j++)
            {
                (double x, double y) = inverse.Apply(j + 0.5, i + 0.5);
                double sx = x - 0.5, sy = y - 0.5;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                float fx = (float)(sx - x0), fy = (float)(sy - y0);
                float r = 0, g = 0, b = 0;

                // Each of the four neighbours contributes only when it lies inside the image (zero padding).
                for (int dy = 0; dy < 2; dy++)
                {
                    int yy = y0 + dy;
                    if ((uint)yy >= (uint)height)
                    {
                        continue;
                    }

                    float wy = dy == 0 ? 1 - fy : fy;
                    for (int dx = 0; dx < 2; dx++)
                    {
                        int xx = x0 + dx;
                        if ((uint)xx >= (uint)width)
                        {
                            continue;
                        }

                        float w = wy * (dx == 0 ? 1 - fx : fx);
                        int p = (yy * width + xx) * 3;
                        r += w * rgb[p];
                        g += w * rgb[p + 1];
                        b += w * rgb[p + 2];
                    }
                }

                // The four weights can sum to a hair over 1 in float; clamp so the input stays within [0, 1].
                int o = i * resolution + j;
                chw[o] = MathF.Min(r * Scale, 1f);
                chw[plane + o] = MathF.Min(g * Scale, 1f);
                chw[2 * plane + o] = MathF.Min(b * Scale, 1f);
            }
        }
    }
}

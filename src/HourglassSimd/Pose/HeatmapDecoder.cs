namespace HourglassSimd.Pose;

/// <summary>
/// Heatmap → keypoint decoding (hourglass-spec §3.2): per joint, the row-major argmax (first maximum wins), a sub-pixel
/// refinement (<see cref="PeakRefinement"/>; by default the quarter-pixel shift toward the higher neighbour),
/// confidence = the peak value, then the inverse crop transform
/// back to image coordinates (rotation included). Coordinates stay floats (no integer truncation).
/// </summary>
public static class HeatmapDecoder
{
    /// <summary>Finds and refines the maximum of one <paramref name="width"/> × <paramref name="height"/> heatmap (row-major).</summary>
    /// <remarks>NaN values never win; an all-NaN map decodes to index (0, 0) with confidence NaN.</remarks>
    /// <exception cref="ArgumentException">The span length is not width × height.</exception>
    public static HeatmapPeak FindPeak(ReadOnlySpan<float> heatmap, int width, int height, PeakRefinement refinement = PeakRefinement.QuarterOffset)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(width < 1 ? nameof(width) : nameof(height), "heatmap sizes must be at least 1.");
        if (heatmap.Length != width * height)
            throw new ArgumentException($"heatmap has {heatmap.Length} floats; {width} × {height} needs {width * height}.", nameof(heatmap));

        // A scalar scan on purpose: TensorPrimitives.IndexOfMax returns the first NaN, and here NaN never wins.
        int best = 0;
        float max = heatmap[0];
        for (int i = 1; i < heatmap.Length; i++)
        {
            // Strictly greater: the first maximum in row-major order wins. The NaN test lets a later number replace a leading NaN.
            if (heatmap[i] > max || (float.IsNaN(max) && !float.IsNaN(heatmap[i])))
            {
                max = heatmap[i];
                best = i;
            }
        }
        int kx = best % width, ky = best / width;

        switch (refinement)
        {
            case PeakRefinement.Taylor when TaylorPeak.TryRefine(heatmap, width, height, kx, ky, out float tx, out float ty):
                return new HeatmapPeak(kx + 0.5f + tx, ky + 0.5f + ty, max, kx, ky);
            case PeakRefinement.Taylor:
            case PeakRefinement.QuarterOffset:
            {
                float dx = 0, dy = 0;
                if (kx >= 1 && kx <= width - 2 && ky >= 1 && ky <= height - 2)
                {
                    dx = 0.25f * Sign(heatmap[best + 1] - heatmap[best - 1]);
                    dy = 0.25f * Sign(heatmap[best + width] - heatmap[best - width]);
                }
                return new HeatmapPeak(kx + 0.5f + dx, ky + 0.5f + dy, max, kx, ky);
            }
            case PeakRefinement.PrincetonVl:
            {
                if (!(max > 0))
                    return new HeatmapPeak(kx, ky, max, kx, ky);
                float left = kx > 0 ? heatmap[best - 1] : max, right = kx < width - 1 ? heatmap[best + 1] : max;
                float up = ky > 0 ? heatmap[best - width] : max, down = ky < height - 1 ? heatmap[best + width] : max;
                float dx = right > left ? 0.25f : -0.25f;
                float dy = down > up ? 0.25f : -0.25f;
                return new HeatmapPeak(kx + 0.5f + dx, ky + 0.5f + dy, max, kx, ky);
            }
            case PeakRefinement.None:
                return new HeatmapPeak(kx + 0.5f, ky + 0.5f, max, kx, ky);
            default:
                throw new ArgumentOutOfRangeException(nameof(refinement), refinement, "unknown refinement.");
        }
    }

    /// <summary>
    /// Decodes one person's heatmaps <c>[joints, HeatmapHeight, HeatmapWidth]</c> (sizes from <paramref name="transform"/>)
    /// into image-space keypoints.
    /// </summary>
    /// <param name="heatmaps">The person's heatmaps, joint-major, each row-major.</param>
    /// <param name="transform">The crop transform the input was built with.</param>
    /// <param name="layout">Joint names; its joint count sets how many heatmaps are read.</param>
    /// <param name="refinement">Sub-pixel rule.</param>
    /// <exception cref="ArgumentException">The span does not hold <c>joints × HeatmapHeight × HeatmapWidth</c> floats.</exception>
    public static PoseResult Decode(ReadOnlySpan<float> heatmaps, CropTransform transform, JointLayout layout, PeakRefinement refinement = PeakRefinement.QuarterOffset)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(layout);
        int w = transform.HeatmapWidth, h = transform.HeatmapHeight, plane = w * h;
        if (heatmaps.Length != layout.Count * plane)
            throw new ArgumentException(
                $"heatmaps has {heatmaps.Length} floats; {layout.Count} joints × {h} × {w} needs {layout.Count * plane}.", nameof(heatmaps));
        var keypoints = new Keypoint[layout.Count];
        for (int j = 0; j < keypoints.Length; j++)
        {
            var peak = FindPeak(heatmaps.Slice(j * plane, plane), w, h, refinement);
            var image = transform.HeatmapToImage(new(peak.X, peak.Y));
            keypoints[j] = new Keypoint(image.X, image.Y, peak.Confidence, layout.Names[j]);
        }
        return new PoseResult(keypoints, transform.Box, layout);
    }

    private static float Sign(float value) => value > 0 ? 1 : value < 0 ? -1 : 0;
}

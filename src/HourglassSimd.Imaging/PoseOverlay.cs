using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging;

/// <summary>
/// Draws poses onto an <see cref="RgbImage"/> in place: skeleton limbs coloured by body side, then joint dots coloured
/// by confidence (red at the threshold, through yellow, to green at 1). Joints below
/// <see cref="OverlayOptions.ConfidenceThreshold"/> and limbs touching them are skipped.
/// </summary>
public static class PoseOverlay
{
    /// <summary>Draws one pose.</summary>
    public static void Draw(RgbImage image, PoseResult pose, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pose);
        Draw(image, [pose], options);
    }

    /// <summary>Draws several poses (limbs, dots and optional box of each in turn).</summary>
    public static void Draw(RgbImage image, IEnumerable<PoseResult> poses, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(poses);
        options ??= OverlayOptions.Default;
        float lineWidth = options.ResolveLineWidth(image.Width, image.Height);
        float radius = options.ResolveJointRadius(image.Width, image.Height);
        float threshold = options.ConfidenceThreshold;

        foreach (var pose in poses)
        {
            ArgumentNullException.ThrowIfNull(pose, nameof(poses));
            var keypoints = pose.Keypoints;
            var layout = pose.Layout;
            if (options.DrawBoxes)
                DrawBox(image, pose.Box, options.BoxColor, MathF.Max(1f, lineWidth / 2), options.AntiAliasing);

            foreach (var edge in layout.Skeleton)
            {
                Keypoint a = keypoints[edge.First], b = keypoints[edge.Second];
                if (!(a.Confidence >= threshold) || !(b.Confidence >= threshold))
                    continue;
                var color = LimbColor(layout.Sides[edge.First], layout.Sides[edge.Second], options);
                CoverageRasterizer.FillCapsule(image, a.X, a.Y, b.X, b.Y, lineWidth / 2, color, options.AntiAliasing);
            }
            foreach (var k in keypoints)
            {
                if (k.Confidence >= threshold)
                    CoverageRasterizer.FillDisc(image, k.X, k.Y, radius, ConfidenceColor(k.Confidence, threshold), options.AntiAliasing);
            }
        }
    }

    /// <summary>The dot colour of a joint: red at <paramref name="threshold"/>, yellow halfway, green at confidence 1 and above.</summary>
    public static Rgb24 ConfidenceColor(float confidence, float threshold)
    {
        float t = threshold >= 1 ? 1 : Math.Clamp((confidence - threshold) / (1 - threshold), 0, 1);
        return t < 0.5f
            ? new Rgb24(255, (byte)MathF.Round(255 * 2 * t), 0)
            : new Rgb24((byte)MathF.Round(255 * 2 * (1 - t)), 255, 0);
    }

    // A limb takes the side of its joints; a limb from the mid-line to one side takes that side; left-to-right is centre.
    private static Rgb24 LimbColor(JointSide a, JointSide b, OverlayOptions options)
    {
        var side = a == b ? a : a == JointSide.Center ? b : b == JointSide.Center ? a : JointSide.Center;
        return side switch
        {
            JointSide.Left => options.LeftColor,
            JointSide.Right => options.RightColor,
            _ => options.CenterColor,
        };
    }

    private static void DrawBox(RgbImage image, PersonBox box, Rgb24 color, float width, bool antiAliasing)
    {
        // Corners of the crop window in image coordinates (rotation included), via the crop transform of a square input.
        var transform = new CropTransform(box, 256, 256);
        Span<float> xs = stackalloc float[4], ys = stackalloc float[4];
        ReadOnlySpan<(int U, int V)> corners = [(0, 0), (256, 0), (256, 256), (0, 256)];
        for (int i = 0; i < 4; i++)
        {
            transform.InputToImage(corners[i].U, corners[i].V, out double x, out double y);
            xs[i] = (float)x;
            ys[i] = (float)y;
        }
        for (int i = 0; i < 4; i++)
            CoverageRasterizer.FillCapsule(image, xs[i], ys[i], xs[(i + 1) % 4], ys[(i + 1) % 4], width / 2, color, antiAliasing);
    }
}

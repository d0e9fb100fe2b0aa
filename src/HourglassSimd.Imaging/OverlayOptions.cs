using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging;

/// <summary>How <see cref="PoseOverlay"/> draws. Immutable.</summary>
public sealed record OverlayOptions
{
    /// <summary>The defaults.</summary>
    public static OverlayOptions Default { get; } = new();

    /// <summary>Joints with a confidence below this are not drawn, nor any limb that touches them. Default 0.1.</summary>
    public float ConfidenceThreshold { get; init; } = 0.1f;

    /// <summary>Limb line width in pixels; 0 (default) picks one from the image size: max(2, min(width, height) / 160).</summary>
    public float LineWidth { get; init; }

    /// <summary>Joint dot radius in pixels; 0 (default) picks 1.5 × the line width.</summary>
    public float JointRadius { get; init; }

    /// <summary>Anti-aliased edges (coverage-weighted blending). Default true.</summary>
    public bool AntiAliasing { get; init; } = true;

    /// <summary>Also draw each person's (possibly rotated) crop box. Default false.</summary>
    public bool DrawBoxes { get; init; }

    /// <summary>Limb colour on the person's left side. Default green.</summary>
    public Rgb24 LeftColor { get; init; } = new(0, 200, 0);

    /// <summary>Limb colour on the person's right side. Default orange.</summary>
    public Rgb24 RightColor { get; init; } = new(255, 128, 0);

    /// <summary>Colour of limbs on the mid-line or between sides. Default light blue.</summary>
    public Rgb24 CenterColor { get; init; } = new(51, 153, 255);

    /// <summary>Box colour. Default white.</summary>
    public Rgb24 BoxColor { get; init; } = new(255, 255, 255);

    internal float ResolveLineWidth(int width, int height) =>
        LineWidth > 0 ? LineWidth : MathF.Max(2f, Math.Min(width, height) / 160f);

    internal float ResolveJointRadius(int width, int height) =>
        JointRadius > 0 ? JointRadius : 1.5f * ResolveLineWidth(width, height);
}

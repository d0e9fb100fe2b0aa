using System.Numerics;

namespace HourglassSimd.Pose;

/// <summary>
/// The affine map between image coordinates, network-input coordinates and heatmap coordinates for one person
/// (hourglass-spec §2.2 and §3.2), and its inverse. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>All three coordinate systems are continuous with pixel <c>i</c> spanning <c>[i, i+1)</c> (pixel centres at
/// <c>i + 0.5</c>).</para>
/// <para>Forward map (image → input), with <c>k = min(InputWidth, InputHeight) / (200·s)</c> input pixels per image pixel
/// (so the square 200·s box fills the input along its shorter side; for the usual square input, the box is the
/// input):</para>
/// <code>
/// d = k·(x − cx),  e = k·(y − cy)
/// u = cos r·d + sin r·e + InputWidth/2
/// v = −sin r·d + cos r·e + InputHeight/2
/// </code>
/// <para>i.e. a rotation by −r about the input centre (the image content appears rotated by r counter-clockwise on
/// screen). Heatmap coordinates are input coordinates divided by the output stride (4): <c>p = q / 4</c>.</para>
/// </remarks>
public sealed class CropTransform
{
    // Forward (image → input) and inverse (input → image) affine coefficients, in double so that
    // round trips stay far below 0.01 px even for large images.
    private readonly double _f11, _f12, _f13, _f21, _f22, _f23;
    private readonly double _i11, _i12, _i13, _i21, _i22, _i23;

    /// <summary>Creates the transform of <paramref name="box"/> onto an input of the given size.</summary>
    /// <param name="box">The person box; <c>default(PersonBox)</c> (scale 0) is rejected.</param>
    /// <param name="inputWidth">Network input width in pixels (256 for the published weights).</param>
    /// <param name="inputHeight">Network input height in pixels.</param>
    /// <param name="outputStride">Input pixels per heatmap pixel (4 for Stacked Hourglass).</param>
    /// <exception cref="ArgumentException">The box has no scale, or a size is less than 1.</exception>
    public CropTransform(PersonBox box, int inputWidth, int inputHeight, int outputStride = HourglassArchitecture.OutputStride)
    {
        if (!(box.Scale > 0))
            throw new ArgumentException("box has scale 0 (default(PersonBox)); create it with a positive scale.", nameof(box));
        if (inputWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "inputWidth must be at least 1.");
        if (inputHeight < 1)
            throw new ArgumentOutOfRangeException(nameof(inputHeight), inputHeight, "inputHeight must be at least 1.");
        if (outputStride < 1 || inputWidth % outputStride != 0 || inputHeight % outputStride != 0)
            throw new ArgumentOutOfRangeException(nameof(outputStride), outputStride,
                $"outputStride must be at least 1 and divide the input size {inputWidth}x{inputHeight}.");

        Box = box;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        OutputStride = outputStride;

        double k = Math.Min(inputWidth, inputHeight) / ((double)PersonBox.PixelsPerScale * box.Scale);
        double r = box.RotationDegrees * (Math.PI / 180.0);
        double cos = Math.Cos(r), sin = Math.Sin(r);
        double cx = box.CenterX, cy = box.CenterY, hw = inputWidth / 2.0, hh = inputHeight / 2.0;

        _f11 = cos * k;
        _f12 = sin * k;
        _f13 = hw - _f11 * cx - _f12 * cy;
        _f21 = -sin * k;
        _f22 = cos * k;
        _f23 = hh - _f21 * cx - _f22 * cy;

        _i11 = cos / k;
        _i12 = -sin / k;
        _i13 = cx - _i11 * hw - _i12 * hh;
        _i21 = sin / k;
        _i22 = cos / k;
        _i23 = cy - _i21 * hw - _i22 * hh;
        ImagePixelsPerInputPixel = 1 / k;
    }

    /// <summary>Creates the transform for a network's input and heatmap sizes.</summary>
    public static CropTransform For(PersonBox box, HourglassArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return new CropTransform(box, architecture.InputWidth, architecture.InputHeight);
    }

    /// <summary>The person box this transform was built from.</summary>
    public PersonBox Box { get; }

    /// <summary>Network input width in pixels.</summary>
    public int InputWidth { get; }

    /// <summary>Network input height in pixels.</summary>
    public int InputHeight { get; }

    /// <summary>Input pixels per heatmap pixel.</summary>
    public int OutputStride { get; }

    /// <summary>Heatmap width: <see cref="InputWidth"/> / <see cref="OutputStride"/>.</summary>
    public int HeatmapWidth => InputWidth / OutputStride;

    /// <summary>Heatmap height: <see cref="InputHeight"/> / <see cref="OutputStride"/>.</summary>
    public int HeatmapHeight => InputHeight / OutputStride;

    /// <summary>Image pixels covered by one input pixel along each axis: <c>200·s / min(InputWidth, InputHeight)</c>.</summary>
    public double ImagePixelsPerInputPixel { get; }

    /// <summary>Maps an image point to network-input coordinates.</summary>
    public Vector2 ImageToInput(Vector2 image)
    {
        ImageToInput(image.X, image.Y, out double u, out double v);
        return new Vector2((float)u, (float)v);
    }

    /// <summary>Maps a network-input point back to image coordinates (undoing the rotation too).</summary>
    public Vector2 InputToImage(Vector2 input)
    {
        InputToImage(input.X, input.Y, out double x, out double y);
        return new Vector2((float)x, (float)y);
    }

    /// <summary>Maps an image point to heatmap coordinates (input coordinates / <see cref="OutputStride"/>).</summary>
    public Vector2 ImageToHeatmap(Vector2 image)
    {
        ImageToInput(image.X, image.Y, out double u, out double v);
        return new Vector2((float)(u / OutputStride), (float)(v / OutputStride));
    }

    /// <summary>Maps a heatmap point (e.g. a decoded peak, pixel k spanning [k, k+1)) back to image coordinates.</summary>
    public Vector2 HeatmapToImage(Vector2 heatmap)
    {
        InputToImage((double)heatmap.X * OutputStride, (double)heatmap.Y * OutputStride, out double x, out double y);
        return new Vector2((float)x, (float)y);
    }

    /// <summary>Double-precision forward map (image → input).</summary>
    public void ImageToInput(double x, double y, out double u, out double v)
    {
        u = _f11 * x + _f12 * y + _f13;
        v = _f21 * x + _f22 * y + _f23;
    }

    /// <summary>Double-precision inverse map (input → image).</summary>
    public void InputToImage(double u, double v, out double x, out double y)
    {
        x = _i11 * u + _i12 * v + _i13;
        y = _i21 * u + _i22 * v + _i23;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Box} → input {InputWidth}x{InputHeight}, stride {OutputStride}";
}

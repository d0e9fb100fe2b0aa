namespace HourglassSimd.Pose;

/// <summary>
/// Where one person is in an image, in the MPII convention (hourglass-spec §2.1): a centre
/// <c>(CenterX, CenterY)</c> in image pixels and a scale <c>s</c> such that the person's box side is
/// <c>200·s</c> pixels, plus an optional rotation of the crop in degrees.
/// </summary>
/// <remarks>
/// Image coordinates are continuous: pixel column <c>i</c> spans <c>[i, i+1)</c>, so its centre is <c>i + 0.5</c>.
/// The box is square; <see cref="CropTransform"/> maps it onto the network input.
/// </remarks>
public readonly record struct PersonBox
{
    /// <summary>Image pixels per unit of scale: the box side is <c>PixelsPerScale · Scale</c> (MPII: s = person height / 200).</summary>
    public const float PixelsPerScale = 200f;

    /// <summary>Margin factor applied to a tight box so that the person fills about 80% of the crop (hourglass-spec §2.1).</summary>
    public const float DefaultPadding = 1.25f;

    /// <summary>Creates a box from a centre and a scale (box side = 200·<paramref name="scale"/> pixels).</summary>
    /// <param name="centerX">Centre x in image pixels.</param>
    /// <param name="centerY">Centre y in image pixels.</param>
    /// <param name="scale">Box side / 200; finite and greater than 0.</param>
    /// <param name="rotationDegrees">Crop rotation r in degrees (hourglass-spec §2.2): the image content appears rotated by r
    /// counter-clockwise in the crop. 0 at test time.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite, or the scale is not positive.</exception>
    public PersonBox(float centerX, float centerY, float scale, float rotationDegrees = 0f)
    {
        if (!float.IsFinite(centerX))
            throw new ArgumentOutOfRangeException(nameof(centerX), centerX, "centerX must be finite.");
        if (!float.IsFinite(centerY))
            throw new ArgumentOutOfRangeException(nameof(centerY), centerY, "centerY must be finite.");
        if (!float.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be finite and greater than 0 (box side = 200 · scale pixels).");
        if (!float.IsFinite(rotationDegrees))
            throw new ArgumentOutOfRangeException(nameof(rotationDegrees), rotationDegrees, "rotationDegrees must be finite.");
        CenterX = centerX;
        CenterY = centerY;
        Scale = scale;
        RotationDegrees = rotationDegrees;
    }

    /// <summary>Centre x in image pixels.</summary>
    public float CenterX { get; }

    /// <summary>Centre y in image pixels.</summary>
    public float CenterY { get; }

    /// <summary>Scale s: the box side is 200·s pixels. 0 only for <c>default(PersonBox)</c>, which no API accepts.</summary>
    public float Scale { get; }

    /// <summary>Crop rotation in degrees (counter-clockwise as displayed, y axis pointing down).</summary>
    public float RotationDegrees { get; }

    /// <summary>Box side in image pixels: 200 · <see cref="Scale"/>.</summary>
    public float Size => PixelsPerScale * Scale;

    /// <summary>Left edge of the (unrotated) square box in image pixels.</summary>
    public float Left => CenterX - Size / 2;

    /// <summary>Top edge of the (unrotated) square box in image pixels.</summary>
    public float Top => CenterY - Size / 2;

    /// <summary>Same as the constructor; reads well next to the other factories.</summary>
    public static PersonBox FromCenterScale(float centerX, float centerY, float scale, float rotationDegrees = 0f) =>
        new(centerX, centerY, scale, rotationDegrees);

    /// <summary>
    /// A box from a detector-style rectangle <c>(x, y, width, height)</c> (top-left corner and size, image pixels):
    /// centre = rectangle centre, scale = max(width, height) / 200 × <paramref name="padding"/>, so a tight box around
    /// the person leaves the person filling about 1/<paramref name="padding"/> (80% by default) of the crop.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite, the size is not positive, or the padding is not positive.</exception>
    public static PersonBox FromRectangle(float x, float y, float width, float height, float padding = DefaultPadding)
    {
        if (!float.IsFinite(x))
            throw new ArgumentOutOfRangeException(nameof(x), x, "x must be finite.");
        if (!float.IsFinite(y))
            throw new ArgumentOutOfRangeException(nameof(y), y, "y must be finite.");
        if (!float.IsFinite(width) || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be finite and greater than 0.");
        if (!float.IsFinite(height) || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), height, "height must be finite and greater than 0.");
        if (!float.IsFinite(padding) || padding <= 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be finite and greater than 0 (1.25 is the usual value).");
        return new PersonBox(x + width / 2, y + height / 2, MathF.Max(width, height) / PixelsPerScale * padding);
    }

    /// <summary>
    /// The whole-image fallback for an image that already shows one person (hourglass-spec §2.1):
    /// centre = (width/2, height/2), scale = max(width, height) / 200.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is less than 1.</exception>
    public static PersonBox WholeImage(int width, int height)
    {
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "height must be at least 1.");
        return new PersonBox(width / 2f, height / 2f, Math.Max(width, height) / PixelsPerScale);
    }

    /// <summary>
    /// A box from a raw MPII annotation (<c>objpos</c>, <c>scale_provided</c>), applying the reference adjustment of
    /// hourglass-spec §2.1: <c>cy ← cy + 15·s</c>, then <c>s ← 1.25·s</c>. Do not use it for values that are already
    /// adjusted (the h5 files of the reference implementations).
    /// </summary>
    public static PersonBox FromMpiiAnnotation(float objectPositionX, float objectPositionY, float scaleProvided) =>
        new(objectPositionX, objectPositionY + 15f * scaleProvided, scaleProvided * 1.25f);

    /// <summary>Returns this box with another rotation.</summary>
    public PersonBox WithRotation(float rotationDegrees) => new(CenterX, CenterY, Scale, rotationDegrees);

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"center ({CenterX:0.##}, {CenterY:0.##}), scale {Scale:0.####} ({Size:0.#} px), rotation {RotationDegrees:0.##}°");
}

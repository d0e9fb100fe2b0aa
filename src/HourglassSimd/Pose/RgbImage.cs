namespace HourglassSimd.Pose;

/// <summary>
/// An 8-bit interleaved RGB image (RGB24): row <c>y</c> starts at <c>y · Stride</c> in <see cref="Pixels"/> and holds
/// <c>Width</c> pixels of three bytes R, G, B. The pixel buffer is shared, not copied, and may be written to
/// (the overlay drawing does). Not thread-safe for concurrent writes.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Allocates a black image with a tight stride (<c>Stride = 3 · width</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is less than 1 or the buffer would exceed 2 GB.</exception>
    public RgbImage(int width, int height)
    {
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "height must be at least 1.");
        long bytes = 3L * width * height;
        if (bytes > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"a {width}x{height} RGB image needs {bytes} bytes, more than one array can hold.");
        Width = width;
        Height = height;
        Stride = 3 * width;
        Pixels = new byte[bytes];
    }

    /// <summary>Wraps an existing buffer (no copy).</summary>
    /// <param name="pixels">RGB24 bytes; at least <c>(height − 1) · stride + 3 · width</c> of them.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next; at least <c>3 · width</c>.</param>
    /// <exception cref="ArgumentException">The sizes do not fit the buffer.</exception>
    public RgbImage(byte[] pixels, int width, int height, int stride)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        Validate(pixels.Length, width, height, stride);
        Pixels = pixels;
        Width = width;
        Height = height;
        Stride = stride;
    }

    /// <summary>The pixel bytes (see the class remarks for the layout).</summary>
    public byte[] Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the next (at least 3 · <see cref="Width"/>).</summary>
    public int Stride { get; }

    /// <summary>The <c>3 · Width</c> bytes of row <paramref name="y"/>.</summary>
    public Span<byte> GetRow(int y)
    {
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y), y, $"row must be in [0, {Height}).");
        return Pixels.AsSpan(y * Stride, 3 * Width);
    }

    /// <summary>Reads one pixel.</summary>
    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        int at = Offset(x, y);
        return (Pixels[at], Pixels[at + 1], Pixels[at + 2]);
    }

    /// <summary>Writes one pixel.</summary>
    public void SetPixel(int x, int y, byte r, byte g, byte b)
    {
        int at = Offset(x, y);
        Pixels[at] = r;
        Pixels[at + 1] = g;
        Pixels[at + 2] = b;
    }

    /// <summary>A deep copy with a tight stride.</summary>
    public RgbImage Clone()
    {
        var copy = new RgbImage(Width, Height);
        for (int y = 0; y < Height; y++)
            GetRow(y).CopyTo(copy.GetRow(y));
        return copy;
    }

    /// <summary>
    /// Checks that <paramref name="length"/> bytes hold a <paramref name="width"/> × <paramref name="height"/> RGB24 image
    /// with rows <paramref name="stride"/> bytes apart.
    /// </summary>
    /// <exception cref="ArgumentException">They do not.</exception>
    public static void Validate(int length, int width, int height, int stride)
    {
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "height must be at least 1.");
        if (stride < 3L * width)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"stride must be at least 3 × width = {3L * width} bytes for RGB24.");
        long needed = (long)(height - 1) * stride + 3L * width;
        if (length < needed)
            throw new ArgumentException(
                $"the pixel buffer has {length} bytes; a {width}x{height} RGB24 image with stride {stride} needs (height − 1) × stride + 3 × width = {needed}.",
                "pixels");
    }

    private int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width)
            throw new ArgumentOutOfRangeException(nameof(x), x, $"x must be in [0, {Width}).");
        if ((uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(y), y, $"y must be in [0, {Height}).");
        return y * Stride + 3 * x;
    }

    /// <inheritdoc/>
    public override string ToString() => $"RGB24 {Width}x{Height} (stride {Stride})";
}

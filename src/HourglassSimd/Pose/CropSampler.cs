namespace HourglassSimd.Pose;

/// <summary>
/// Builds a network input from an RGB24 image: the affine warp of hourglass-spec §2.2 with bilinear sampling,
/// zero (black) outside the image and the pixel-centre convention, then the normalisation of §2.3, written as planar
/// <c>[3, InputHeight, InputWidth]</c> floats (R, G, B planes).
/// </summary>
/// <remarks>
/// <para>Sampling: input pixel <c>(i, j)</c> takes the image at the inverse map of <c>(j + 0.5, i + 0.5)</c>, read at
/// continuous source position minus 0.5, so image pixel <c>(x, y)</c> is hit exactly at its centre. The four bilinear
/// taps that fall outside the image count as black, so edges fade to zero over one pixel.</para>
/// <para>Anti-aliasing (on by default): when one input pixel covers <c>f ≥ 2</c> image pixels along each axis
/// (<see cref="CropTransform.ImagePixelsPerInputPixel"/>), the part of the image under the crop is first shrunk by the
/// integer factor <c>f = floor(footprint)</c> with an f×f box filter (area average; pixels outside the image count as
/// black), and the bilinear warp then reads that shrunken copy, whose pixel <c>g</c> has its centre at
/// <c>(g + 0.5)·f</c> in image coordinates, so the geometry is unchanged. What remains is a footprint below 2, which
/// bilinear sampling handles without visible aliasing. The Lua original and bearpaw shrink the whole image in the same
/// spirit; princeton-vl does not and aliases.</para>
/// <para>An instance keeps a scratch buffer for the shrunken copy and reuses it between calls: not thread-safe,
/// use one per thread.</para>
/// </remarks>
public sealed class CropSampler
{
    private float[] _planes = [];

    /// <summary>Creates a sampler.</summary>
    /// <param name="antiAliasing">Box-filter pre-shrink when the crop scale is 2:1 or smaller (see the class remarks).</param>
    public CropSampler(bool antiAliasing = true) => AntiAliasing = antiAliasing;

    /// <summary>Whether large boxes are pre-shrunk with a box filter before the bilinear warp.</summary>
    public bool AntiAliasing { get; }

    /// <summary>The integer pre-shrink factor this sampler uses for <paramref name="transform"/> (1 = none).</summary>
    public int PreShrinkFactor(CropTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        // The tolerance keeps float scales such as 1.28f (box side 255.99998) on the intended integer factor.
        double footprint = transform.ImagePixelsPerInputPixel * (1 + 1e-6);
        return AntiAliasing && footprint >= 2 ? (int)Math.Min(Math.Floor(footprint), 1 << 20) : 1;
    }

    /// <summary>Samples the crop of <paramref name="image"/> (see <see cref="Sample(ReadOnlySpan{byte}, int, int, int, CropTransform, InputNormalization, Span{float}, bool)"/>).</summary>
    public void Sample(RgbImage image, CropTransform transform, InputNormalization normalization, Span<float> destination, bool mirror = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        Sample(image.Pixels, image.Width, image.Height, image.Stride, transform, normalization, destination, mirror);
    }

    /// <summary>Samples one crop into <paramref name="destination"/> (<c>3 · InputHeight · InputWidth</c> floats, planar RGB).</summary>
    /// <param name="rgb">Interleaved RGB24 bytes, rows <paramref name="stride"/> bytes apart.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next (at least 3 · width).</param>
    /// <param name="transform">The person's crop transform; its input size sets the output size.</param>
    /// <param name="normalization">Byte → float mapping.</param>
    /// <param name="destination">Output, planar <c>[3, InputHeight, InputWidth]</c>.</param>
    /// <param name="mirror">Writes the horizontally mirrored crop (input column j holds column InputWidth − 1 − j), for the flip test.</param>
    /// <exception cref="ArgumentException">The image sizes do not fit the buffer, or the destination has the wrong length.</exception>
    public void Sample(
        ReadOnlySpan<byte> rgb, int width, int height, int stride,
        CropTransform transform, InputNormalization normalization, Span<float> destination, bool mirror = false)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(normalization);
        RgbImage.Validate(rgb.Length, width, height, stride);
        int expected = 3 * transform.InputWidth * transform.InputHeight;
        if (destination.Length != expected)
            throw new ArgumentException(
                $"destination has {destination.Length} floats; a 3 × {transform.InputHeight} × {transform.InputWidth} input needs {expected}.",
                nameof(destination));

        int factor = PreShrinkFactor(transform);
        if (factor == 1)
        {
            Warp(new ByteSource(rgb, width, height, stride), factor, 0, 0, transform, normalization, destination, mirror);
            return;
        }

        // Shrunken grid: cell (gx, gy) averages image pixels [gx·f, gx·f + f) × [gy·f, gy·f + f).
        // Only the cells under the crop (plus a one-cell margin for the bilinear taps) are built.
        int gridW = (int)Math.Min(((long)width + factor - 1) / factor, int.MaxValue);
        int gridH = (int)Math.Min(((long)height + factor - 1) / factor, int.MaxValue);
        CropBounds(transform, out double minX, out double minY, out double maxX, out double maxY);
        int gx0 = ClampToGrid(Math.Floor(minX / factor) - 1, gridW), gx1 = ClampToGrid(Math.Ceiling(maxX / factor) + 1, gridW);
        int gy0 = ClampToGrid(Math.Floor(minY / factor) - 1, gridH), gy1 = ClampToGrid(Math.Ceiling(maxY / factor) + 1, gridH);
        int regionW = Math.Max(0, gx1 - gx0), regionH = Math.Max(0, gy1 - gy0);
        int planeLength = checked(regionW * regionH);
        if (_planes.Length < 3 * planeLength)
            _planes = new float[checked(3 * planeLength)];
        var planes = _planes.AsSpan(0, 3 * planeLength);
        BoxShrink(rgb, width, height, stride, factor, gx0, gy0, regionW, regionH, planes);
        Warp(new PlaneSource(planes, regionW, regionH), factor, gx0, gy0, transform, normalization, destination, mirror);
    }

    // Image-space bounding box of the input rectangle [0, W] × [0, H] (rotation included).
    private static void CropBounds(CropTransform t, out double minX, out double minY, out double maxX, out double maxY)
    {
        minX = minY = double.PositiveInfinity;
        maxX = maxY = double.NegativeInfinity;
        for (int corner = 0; corner < 4; corner++)
        {
            t.InputToImage((corner & 1) * t.InputWidth, (corner >> 1) * t.InputHeight, out double x, out double y);
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
    }

    private static int ClampToGrid(double value, int size) => (int)Math.Clamp(value, 0, size);

    private static void BoxShrink(
        ReadOnlySpan<byte> rgb, int width, int height, int stride, int factor,
        int gx0, int gy0, int regionW, int regionH, Span<float> planes)
    {
        int plane = regionW * regionH;
        float norm = 1f / ((float)factor * factor);
        Span<float> sums = regionW <= 1024 ? stackalloc float[3 * regionW] : new float[3 * regionW];
        for (int ry = 0; ry < regionH; ry++)
        {
            sums.Clear();
            long yStart = (long)(gy0 + ry) * factor;
            long yEnd = Math.Min(yStart + factor, height);
            for (long y = yStart; y < yEnd; y++)
            {
                var row = rgb.Slice((int)y * stride, 3 * width);
                for (int rx = 0; rx < regionW; rx++)
                {
                    long xStart = (long)(gx0 + rx) * factor;
                    long xEnd = Math.Min(xStart + factor, width);
                    float r = 0, g = 0, b = 0;
                    for (long x = xStart; x < xEnd; x++)
                    {
                        int at = (int)(3 * x);
                        r += row[at];
                        g += row[at + 1];
                        b += row[at + 2];
                    }
                    sums[3 * rx] += r;
                    sums[3 * rx + 1] += g;
                    sums[3 * rx + 2] += b;
                }
            }
            // Cells partly outside the image keep the full f² divisor: outside pixels are black.
            int rowStart = ry * regionW;
            for (int rx = 0; rx < regionW; rx++)
            {
                planes[rowStart + rx] = sums[3 * rx] * norm;
                planes[plane + rowStart + rx] = sums[3 * rx + 1] * norm;
                planes[2 * plane + rowStart + rx] = sums[3 * rx + 2] * norm;
            }
        }
    }

    // The bilinear warp over a source grid whose cell g has its centre at (g + 0.5)·factor in image coordinates
    // (factor 1: the image itself). (originX, originY) is the source's first cell in that grid.
    private static void Warp<TSource>(
        TSource source, int factor, int originX, int originY,
        CropTransform t, InputNormalization normalization, Span<float> destination, bool mirror)
        where TSource : ISampleSource, allows ref struct
    {
        int w = t.InputWidth, h = t.InputHeight, plane = w * h;
        // value = pixel · a[c] + b[c]  ==  (pixel / 255 − mean) / std
        float a0 = 1f / (255f * normalization.Std[0]), b0 = -normalization.Mean[0] / normalization.Std[0];
        float a1 = 1f / (255f * normalization.Std[1]), b1 = -normalization.Mean[1] / normalization.Std[1];
        float a2 = 1f / (255f * normalization.Std[2]), b2 = -normalization.Mean[2] / normalization.Std[2];
        double inv = 1.0 / factor;
        for (int i = 0; i < h; i++)
        {
            double v = i + 0.5;
            for (int j = 0; j < w; j++)
            {
                double u = mirror ? w - (j + 0.5) : j + 0.5;
                t.InputToImage(u, v, out double x, out double y);
                double sx = x * inv - 0.5 - originX;
                double sy = y * inv - 0.5 - originY;
                float r = 0, g = 0, b = 0;
                if (sx > -1 && sy > -1 && sx < source.Width && sy < source.Height)
                {
                    double fx0 = Math.Floor(sx), fy0 = Math.Floor(sy);
                    int x0 = (int)fx0, y0 = (int)fy0;
                    float wx = (float)(sx - fx0), wy = (float)(sy - fy0);
                    float w00 = (1 - wx) * (1 - wy), w10 = wx * (1 - wy), w01 = (1 - wx) * wy, w11 = wx * wy;
                    source.Accumulate(x0, y0, w00, ref r, ref g, ref b);
                    source.Accumulate(x0 + 1, y0, w10, ref r, ref g, ref b);
                    source.Accumulate(x0, y0 + 1, w01, ref r, ref g, ref b);
                    source.Accumulate(x0 + 1, y0 + 1, w11, ref r, ref g, ref b);
                }
                int at = i * w + j;
                destination[at] = r * a0 + b0;
                destination[plane + at] = g * a1 + b1;
                destination[2 * plane + at] = b * a2 + b2;
            }
        }
    }

    private interface ISampleSource
    {
        int Width { get; }

        int Height { get; }

        // Adds weight × pixel (x, y) to r, g, b; pixels outside the source are black and add nothing.
        void Accumulate(int x, int y, float weight, ref float r, ref float g, ref float b);
    }

    private readonly ref struct ByteSource(ReadOnlySpan<byte> rgb, int width, int height, int stride) : ISampleSource
    {
        private readonly ReadOnlySpan<byte> _rgb = rgb;

        public int Width { get; } = width;

        public int Height { get; } = height;

        public void Accumulate(int x, int y, float weight, ref float r, ref float g, ref float b)
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
                return;
            int at = y * stride + 3 * x;
            r += weight * _rgb[at];
            g += weight * _rgb[at + 1];
            b += weight * _rgb[at + 2];
        }
    }

    private readonly ref struct PlaneSource(ReadOnlySpan<float> planes, int width, int height) : ISampleSource
    {
        private readonly ReadOnlySpan<float> _planes = planes;

        public int Width { get; } = width;

        public int Height { get; } = height;

        public void Accumulate(int x, int y, float weight, ref float r, ref float g, ref float b)
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
                return;
            int plane = Width * Height, at = y * Width + x;
            r += weight * _planes[at];
            g += weight * _planes[plane + at];
            b += weight * _planes[2 * plane + at];
        }
    }
}

using System.Numerics.Tensors;

namespace HourglassSimd.Pose;

/// <summary>
/// Multi-scale test helpers: the heatmaps of crops taken at several zooms of one person box are resampled into one
/// frame, the reference crop's (zoom 1, the box itself), and averaged there before decoding.
/// </summary>
/// <remarks>
/// <para><b>Scale convention.</b> A scale <c>s</c> is the magnification of the person in the crop, as in the usual
/// multi-scale testing (the image resized by <c>s</c> before a fixed-size crop): <c>s &gt; 1</c> zooms in, the crop
/// covering a box of side <c>200·Scale / s</c> image pixels about the same centre with the same rotation;
/// <c>s &lt; 1</c> zooms out and shows more context.</para>
/// <para><b>Mapping.</b> Both crops share the centre and rotation, so the map between them is a pure scale about the
/// heatmap centre: a point <c>p</c> of the reference heatmap lies at <c>q = s·(p − size/2) + size/2</c> in the
/// scale-<c>s</c> heatmap, per axis. Reference pixel <c>(x, y)</c> takes the bilinear value of the scale-<c>s</c>
/// heatmap at <c>q</c> of its centre <c>(x + 0.5, y + 0.5)</c>, read with the pixel-centre convention (index
/// <c>q − 0.5</c>; within half a pixel of the border the edge value). It is <b>covered</b> when <c>0 ≤ q ≤ size</c>
/// on both axes, i.e. inside the scale-<c>s</c> crop; a zoomed-in crop does not cover the reference crop's border.</para>
/// <para>No method allocates: rows are lerped into stack buffers.</para>
/// </remarks>
public static class MultiScaleTest
{
    /// <summary>The smallest scale the estimator accepts (a crop 4 times the box).</summary>
    public const float MinScale = 0.25f;

    /// <summary>The largest scale the estimator accepts (a crop a quarter of the box).</summary>
    public const float MaxScale = 4f;

    /// <summary>The most scales the estimator accepts (each is one more crop per person, two with the flip test).</summary>
    public const int MaxScales = 8;

    // Rows up to this width are lerped in a stack buffer; heatmaps are at most 512 wide (input side 2048 / 4).
    private const int StackRow = 512;

    /// <summary>
    /// The reference pixels <c>[Start, End)</c> along one axis of <paramref name="size"/> pixels that the scale-<paramref name="scale"/>
    /// crop covers. The whole axis when <paramref name="scale"/> ≤ 1; a centred, narrower range when zoomed in.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is less than 1, or the scale is not finite and positive.</exception>
    public static (int Start, int End) CoveredRange(int size, float scale)
    {
        if (size < 1)
            throw new ArgumentOutOfRangeException(nameof(size), size, "heatmap sizes must be at least 1.");
        CheckScale(scale, nameof(scale));
        // Covered: 0 ≤ s·(x + 0.5 − c) + c ≤ size with c = size / 2, i.e. |x + 0.5 − c| ≤ c / s. The closed form gives
        // the first covered pixel; the steps after it settle rounding at the boundary so that Covers alone decides.
        double centre = size / 2.0;
        int start = (int)Math.Clamp(Math.Ceiling(centre - centre / scale - 0.5), 0, size);
        while (start > 0 && Covers(start - 1, size, scale, centre))
            start--;
        while (start < size && !Covers(start, size, scale, centre))
            start++;
        int end = size - start;
        while (end < size && Covers(end, size, scale, centre))
            end++;
        while (end > start && !Covers(end - 1, size, scale, centre))
            end--;
        return (start, Math.Max(start, end));
    }

    /// <summary>
    /// Resamples the heatmaps of the scale-<paramref name="scale"/> crop into the reference (scale 1) frame. Pixels the
    /// crop does not cover are NaN (which <see cref="HeatmapDecoder"/> never takes as a peak). Scale 1 copies exactly.
    /// </summary>
    /// <param name="heatmaps">Heatmaps <c>[joints, height, width]</c> of the scale-<paramref name="scale"/> crop.</param>
    /// <param name="width">Heatmap width.</param>
    /// <param name="height">Heatmap height.</param>
    /// <param name="scale">The crop's scale (see the class remarks).</param>
    /// <param name="destination">Output, same shape; must not overlap <paramref name="heatmaps"/>.</param>
    /// <exception cref="ArgumentException">A length does not match, or the scale is not finite and positive.</exception>
    public static void Resample(ReadOnlySpan<float> heatmaps, int width, int height, float scale, Span<float> destination)
    {
        int plane = CheckShapes(width, height, heatmaps.Length, destination.Length, nameof(heatmaps));
        CheckScale(scale, nameof(scale));
        var (x0, x1) = CoveredRange(width, scale);
        var (y0, y1) = CoveredRange(height, scale);
        Span<float> rowBuffer = width <= StackRow ? stackalloc float[width] : new float[width];
        for (int p = 0; p < heatmaps.Length; p += plane)
        {
            var source = heatmaps.Slice(p, plane);
            var target = destination.Slice(p, plane);
            target.Fill(float.NaN);
            for (int y = y0; y < y1; y++)
            {
                var row = SourceRow(source, width, height, scale, y, rowBuffer);
                var targetRow = target.Slice(y * width, width);
                for (int x = x0; x < x1; x++)
                    targetRow[x] = SampleColumn(row, scale, x);
            }
        }
    }

    /// <summary>
    /// Averages the heatmaps of crops at several scales in the reference (scale 1) frame: each pixel is the mean of the
    /// <see cref="Resample"/>d values of the scales whose crop covers it, NaN where none does (possible only when every
    /// scale is above 1).
    /// </summary>
    /// <param name="perScale">Heatmaps <c>[scales, joints, height, width]</c>: one block per scale, in <paramref name="scales"/> order.</param>
    /// <param name="width">Heatmap width.</param>
    /// <param name="height">Heatmap height.</param>
    /// <param name="scales">The crops' scales.</param>
    /// <param name="destination">Output <c>[joints, height, width]</c>; must not overlap <paramref name="perScale"/>.</param>
    /// <exception cref="ArgumentException">No scale, a length does not match, or a scale is not finite and positive.</exception>
    public static void Average(ReadOnlySpan<float> perScale, int width, int height, ReadOnlySpan<float> scales, Span<float> destination)
    {
        if (scales.IsEmpty)
            throw new ArgumentException("at least one scale is needed.", nameof(scales));
        foreach (float s in scales)
            CheckScale(s, nameof(scales));
        int plane = CheckShapes(width, height, destination.Length, destination.Length, nameof(destination));
        if (perScale.Length != (long)scales.Length * destination.Length)
            throw new ArgumentException(
                $"perScale has {perScale.Length} floats; {scales.Length} scales × {destination.Length} needs {(long)scales.Length * destination.Length}.", nameof(perScale));

        bool large = width > StackRow;
        Span<float> rowBuffer = large ? new float[width] : stackalloc float[width];
        Span<float> sum = large ? new float[width] : stackalloc float[width];
        Span<float> count = large ? new float[width] : stackalloc float[width];
        int perScaleBlock = destination.Length;
        for (int p = 0; p < destination.Length; p += plane)
        {
            for (int y = 0; y < height; y++)
            {
                sum.Clear();
                count.Clear();
                for (int k = 0; k < scales.Length; k++)
                {
                    float s = scales[k];
                    var (y0, y1) = CoveredRange(height, s);
                    if (y < y0 || y >= y1)
                        continue;
                    var (x0, x1) = CoveredRange(width, s);
                    var row = SourceRow(perScale.Slice(k * perScaleBlock + p, plane), width, height, s, y, rowBuffer);
                    for (int x = x0; x < x1; x++)
                    {
                        sum[x] += SampleColumn(row, s, x);
                        count[x]++;
                    }
                }
                // Pixels no scale covers: 0 / 0 = NaN.
                TensorPrimitives.Divide(sum, count, destination.Slice(p + y * width, width));
            }
        }
    }

    /// <summary>Throws unless every scale is finite, in [<see cref="MinScale"/>, <see cref="MaxScale"/>], distinct, and there are 1 to <see cref="MaxScales"/> of them.</summary>
    /// <param name="scales">The scales.</param>
    /// <param name="paramName">The parameter the exceptions name, if any.</param>
    /// <exception cref="ArgumentException">The list breaks a rule; the message names it in one line.</exception>
    public static void Validate(IReadOnlyList<float> scales, string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(scales, paramName);
        if (scales.Count is 0 or > MaxScales)
            throw new ArgumentException($"{scales.Count} scales; give 1 to {MaxScales}.", paramName);
        for (int i = 0; i < scales.Count; i++)
        {
            float s = scales[i];
            if (!float.IsFinite(s) || s < MinScale || s > MaxScale)
                throw new ArgumentException(FormattableString.Invariant($"scale {s} is not between {MinScale} and {MaxScale} (1 = the person box, above 1 zooms in)."), paramName);
            for (int j = 0; j < i; j++)
            {
                if (scales[j] == s)
                    throw new ArgumentException(FormattableString.Invariant($"scale {s} is given twice."), paramName);
            }
        }
    }

    private static bool Covers(int pixel, int size, float scale, double centre)
    {
        double q = SourcePosition(pixel, scale, centre);
        return q >= 0 && q <= size;
    }

    // Position in the scale-s heatmap of the centre of reference pixel `pixel`.
    private static double SourcePosition(int pixel, float scale, double centre) => scale * (pixel + 0.5 - centre) + centre;

    // The bilinear taps along one axis at source position q (pixel-centre convention, edge value within half a pixel of
    // the border): value = v[i0] + f·(v[i0 + 1] − v[i0]), f = 0 when only v[i0] is read.
    private static int Taps(double q, int size, out float f)
    {
        double t = q - 0.5;
        int i0 = (int)Math.Floor(t);
        if (i0 < 0)
        {
            f = 0;
            return 0;
        }
        if (i0 >= size - 1)
        {
            f = 0;
            return size - 1;
        }
        f = (float)(t - i0);
        return i0;
    }

    // The source values along reference row y: the row itself when it falls on a source row, else the lerp of the two
    // source rows around it, written to buffer.
    private static ReadOnlySpan<float> SourceRow(ReadOnlySpan<float> plane, int width, int height, float scale, int y, Span<float> buffer)
    {
        int i0 = Taps(SourcePosition(y, scale, height / 2.0), height, out float f);
        var top = plane.Slice(i0 * width, width);
        if (f == 0)
            return top;
        TensorPrimitives.Lerp(top, plane.Slice((i0 + 1) * width, width), f, buffer);
        return buffer;
    }

    private static float SampleColumn(ReadOnlySpan<float> row, float scale, int x)
    {
        int i0 = Taps(SourcePosition(x, scale, row.Length / 2.0), row.Length, out float f);
        return f == 0 ? row[i0] : row[i0] + f * (row[i0 + 1] - row[i0]);
    }

    private static void CheckScale(float scale, string name)
    {
        if (!float.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(name, scale, "a scale must be finite and greater than 0.");
    }

    private static int CheckShapes(int width, int height, int length, int destinationLength, string name)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(width < 1 ? nameof(width) : nameof(height), "heatmap sizes must be at least 1.");
        int plane = width * height;
        if (length % plane != 0)
            throw new ArgumentException($"{name} has {length} floats, not a whole number of {height} × {width} heatmaps.", name);
        if (destinationLength != length)
            throw new ArgumentException($"destination has {destinationLength} floats; it must have {length}.", "destination");
        return plane;
    }
}

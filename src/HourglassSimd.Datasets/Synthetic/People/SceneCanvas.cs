using System.Numerics;
using System.Runtime.Intrinsics;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// The float RGB canvas a synthetic scene is painted on, with an owner per pixel (which person part or object painted
/// it last, for the joints' visibility flags). Shapes are anti-aliased with a one-pixel coverage ramp across the edge.
/// </summary>
internal sealed class SceneCanvas
{
    /// <summary>Owner of a pixel no shape has covered, or covered by something that is not a person.</summary>
    public const short NoOwner = -1;

    private readonly float[] _rgb;
    private readonly short[] _owner;

    public SceneCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _rgb = new float[3 * width * height];
        _owner = new short[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The interleaved RGB values, row-major.</summary>
    public Span<float> Pixels => _rgb;

    public short OwnerAt(float x, float y)
    {
        int px = (int)MathF.Floor(x), py = (int)MathF.Floor(y);
        return (uint)px < (uint)Width && (uint)py < (uint)Height ? _owner[py * Width + px] : NoOwner;
    }

    public void ClearOwners() => Array.Fill(_owner, NoOwner);

    /// <summary>A canvas of this size for the calling thread, reused between images (its content is not cleared).</summary>
    public static SceneCanvas ForThread(int width, int height)
    {
        if (t_cached is not { } cached || cached.Width != width || cached.Height != height)
            t_cached = cached = new SceneCanvas(width, height);
        return cached;
    }

    [ThreadStatic]
    private static SceneCanvas? t_cached;

    /// <summary>A segment with round ends whose radius goes linearly from <paramref name="radiusA"/> to <paramref name="radiusB"/>.</summary>
    public void FillTaperedCapsule(Vector2 a, Vector2 b, float radiusA, float radiusB, in SurfacePaint paint, short owner)
    {
        float reach = MathF.Max(radiusA, radiusB) + 1;
        if (!TryBounds(Vector2.Min(a, b) - new Vector2(reach), Vector2.Max(a, b) + new Vector2(reach), out int left, out int top, out int right, out int bottom))
            return;
        Vector2 axis = b - a;
        float lengthSquared = axis.LengthSquared(), length = MathF.Sqrt(lengthSquared);
        Vector2 unit = length > 0 ? axis / length : Vector2.UnitX;
        var normal = new Vector2(-unit.Y, unit.X);
        for (int y = top; y < bottom; y++)
        for (int x = left; x < right; x++)
        {
            var p = new Vector2(x + 0.5f, y + 0.5f) - a;
            float t = lengthSquared > 0 ? Math.Clamp(Vector2.Dot(p, axis) / lengthSquared, 0, 1) : 0;
            Vector2 offset = p - t * axis;
            float radius = radiusA + (radiusB - radiusA) * t, distanceSquared = offset.LengthSquared();
            if (distanceSquared >= (radius + 0.5f) * (radius + 0.5f))
                continue;
            float distance = MathF.Sqrt(distanceSquared);
            float coverage = Math.Clamp(radius + 0.5f - distance, 0, 1);
            if (coverage <= 0)
                continue;
            float across = Vector2.Dot(offset, normal);
            Blend(x, y, paint.At(Vector2.Dot(p, unit), across, radius > 0 ? Math.Clamp(across / radius, -1, 1) : 0), coverage, owner);
        }
    }

    /// <summary>An ellipse with semi-axes <paramref name="semiAlong"/> along the unit vector <paramref name="axis"/> and <paramref name="semiAcross"/> across it.</summary>
    public void FillEllipse(Vector2 center, Vector2 axis, float semiAlong, float semiAcross, in SurfacePaint paint, short owner)
    {
        float reach = MathF.Max(semiAlong, semiAcross) + 1;
        if (!TryBounds(center - new Vector2(reach), center + new Vector2(reach), out int left, out int top, out int right, out int bottom))
            return;
        var normal = new Vector2(-axis.Y, axis.X);
        float smaller = MathF.Min(semiAlong, semiAcross);
        float inverseAlong = 1 / (semiAlong * semiAlong), inverseAcross = 1 / (semiAcross * semiAcross);
        float limitSquared = (1 + 0.5f / smaller) * (1 + 0.5f / smaller); // coverage is 0 beyond q = 1 + 0.5 / smaller
        for (int y = top; y < bottom; y++)
        for (int x = left; x < right; x++)
        {
            var p = new Vector2(x + 0.5f, y + 0.5f) - center;
            float along = Vector2.Dot(p, axis), across = Vector2.Dot(p, normal);
            float qSquared = along * along * inverseAlong + across * across * inverseAcross;
            if (qSquared >= limitSquared)
                continue;
            float q = MathF.Sqrt(qSquared);
            // (q − 1) · the smaller semi-axis approximates the distance outside the edge.
            float coverage = Math.Clamp(0.5f - (q - 1) * smaller, 0, 1);
            if (coverage <= 0)
                continue;
            Blend(x, y, paint.At(along, across, Math.Clamp(across / semiAcross, -1, 1)), coverage, owner);
        }
    }

    /// <summary>A rectangle centred on <paramref name="center"/>, <paramref name="halfLength"/> along the unit <paramref name="axis"/>.</summary>
    public void FillRectangle(Vector2 center, Vector2 axis, float halfLength, float halfWidth, in SurfacePaint paint, short owner)
    {
        float reach = halfLength + halfWidth + 1;
        if (!TryBounds(center - new Vector2(reach), center + new Vector2(reach), out int left, out int top, out int right, out int bottom))
            return;
        var normal = new Vector2(-axis.Y, axis.X);
        for (int y = top; y < bottom; y++)
        for (int x = left; x < right; x++)
        {
            var p = new Vector2(x + 0.5f, y + 0.5f) - center;
            float along = Vector2.Dot(p, axis), across = Vector2.Dot(p, normal);
            float outside = MathF.Max(MathF.Abs(along) - halfLength, MathF.Abs(across) - halfWidth);
            float coverage = Math.Clamp(0.5f - outside, 0, 1);
            if (coverage <= 0)
                continue;
            Blend(x, y, paint.At(along, across, Math.Clamp(across / halfWidth, -1, 1)), coverage, owner);
        }
    }

    /// <summary>Rounds the canvas into a new 8-bit image.</summary>
    public RgbImage ToImage()
    {
        var image = new RgbImage(Width, Height);
        Quantize(_rgb, image.Pixels);
        return image;
    }

    /// <summary>A scratch copy of the pixels, reused by the calling thread.</summary>
    public float[] Scratch() => _scratch ??= new float[_rgb.Length];

    private float[]? _scratch;

    // Clamp to [0, 255] and round half up, 32 values at a time.
    private static void Quantize(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256<float>.Zero;
            var high = Vector256.Create(255f);
            var half = Vector256.Create(0.5f);
            for (; i + 32 <= values.Length; i += 32)
            {
                var a = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Create(values.Slice(i, 8)), low), high) + half);
                var b = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Create(values.Slice(i + 8, 8)), low), high) + half);
                var c = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Create(values.Slice(i + 16, 8)), low), high) + half);
                var d = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Create(values.Slice(i + 24, 8)), low), high) + half);
                var packed = Vector256.Narrow(Vector256.Narrow(a, b).AsUInt16(), Vector256.Narrow(c, d).AsUInt16());
                packed.CopyTo(bytes.Slice(i, 32));
            }
        }
        for (; i < values.Length; i++)
            bytes[i] = (byte)(Math.Clamp(values[i], 0, 255) + 0.5f);
    }

    private bool TryBounds(Vector2 min, Vector2 max, out int left, out int top, out int right, out int bottom)
    {
        left = (int)Math.Clamp(MathF.Floor(min.X), 0, Width);
        top = (int)Math.Clamp(MathF.Floor(min.Y), 0, Height);
        right = (int)Math.Clamp(MathF.Ceiling(max.X), 0, Width);
        bottom = (int)Math.Clamp(MathF.Ceiling(max.Y), 0, Height);
        return left < right && top < bottom;
    }

    private void Blend(int x, int y, RgbColor color, float coverage, short owner)
    {
        int pixel = y * Width + x, at = 3 * pixel;
        _rgb[at] += (color.R - _rgb[at]) * coverage;
        _rgb[at + 1] += (color.G - _rgb[at + 1]) * coverage;
        _rgb[at + 2] += (color.B - _rgb[at + 2]) * coverage;
        if (coverage >= 0.5f)
            _owner[pixel] = owner;
    }
}

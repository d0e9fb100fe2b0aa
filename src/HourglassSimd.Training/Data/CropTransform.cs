namespace HourglassSimd.Training;

/// <summary>The affine map from original-image coordinates to network-input coordinates (spec §2.2).</summary>
/// <remarks>
/// u = res·(x − cx)/h + res/2, v = res·(y − cy)/h + res/2 with box side h, then a rotation by −r degrees about the input
/// centre, then (for flip augmentation) the mirror u ← res − u. Coordinates are continuous: pixel k spans [k, k+1).
/// Keeping image, joints and flip in one matrix makes the crop and the targets consistent by construction.
/// </remarks>
public readonly record struct CropTransform(double A, double B, double C, double D, double E, double F)
{
    /// <summary>u = A·x + B·y + C, v = D·x + E·y + F.</summary>
    public (double U, double V) Apply(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    public static CropTransform Create(
        double centerX, double centerY, double boxSide, int resolution, double rotationDegrees = 0, bool flip = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(boxSide);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        double k = resolution / boxSide;
        double half = resolution / 2.0;
        var crop = new CropTransform(k, 0, half - k * centerX, 0, k, half - k * centerY);

        double theta = -rotationDegrees * Math.PI / 180.0;
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        var rotate = new CropTransform(cos, -sin, half - cos * half + sin * half, sin, cos, half - sin * half - cos * half);
        CropTransform map = rotate.After(crop);
        return flip ? new CropTransform(-1, 0, resolution, 0, 1, 0).After(map) : map;
    }

    /// <summary>This map applied after <paramref name="first"/>.</summary>
    public CropTransform After(CropTransform first) => new(
        A * first.A + B * first.D, A * first.B + B * first.E, A * first.C + B * first.F + C,
        D * first.A + E * first.D, D * first.B + E * first.E, D * first.C + E * first.F + F);

    public CropTransform Inverse()
    {
        double det = A * E - B * D;
        if (det == 0 || !double.IsFinite(det))
        {
            throw new InvalidOperationException("The crop transform is singular.");
        }

        double ia = E / det, ib = -B / det, id = -D / det, ie = A / det;
        return new CropTransform(ia, ib, -(ia * C + ib * F), id, ie, -(id * C + ie * F));
    }
}

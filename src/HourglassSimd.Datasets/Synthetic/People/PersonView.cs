using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Where and how a person is seen: turned by <see cref="Yaw"/> about the vertical (0 = facing the camera, π = back
/// view, ±π/2 = side views), the camera tilted by <see cref="Pitch"/>, then an orthographic projection rotated by
/// <see cref="Roll"/> in the image, <see cref="Scale"/> pixels per unit of height, stretched by <see cref="Aspect"/>
/// along image x, with the pelvis at <see cref="Origin"/>. Depth grows towards the camera.
/// </summary>
internal readonly record struct PersonView(float Yaw, float Pitch, float Roll, float Scale, float Aspect, Vector2 Origin)
{
    public Vector3 ToCamera(Vector3 body)
    {
        Vector3 turned = BodyPoseSampler.Rotate(body, Vector3.UnitY, Yaw);
        return BodyPoseSampler.Rotate(turned, Vector3.UnitX, Pitch);
    }

    /// <summary>The image point of a body point (its depth is <see cref="Depth"/>).</summary>
    public Vector2 Project(Vector3 body) => ProjectCamera(ToCamera(body));

    public float Depth(Vector3 body) => ToCamera(body).Z;

    /// <summary>The image displacement of a body-frame displacement (no origin).</summary>
    public Vector2 ProjectOffset(Vector3 body) => ProjectCamera(ToCamera(body)) - Origin;

    private Vector2 ProjectCamera(Vector3 camera)
    {
        float a = camera.X, b = -camera.Y; // image y grows downwards
        float cos = MathF.Cos(Roll), sin = MathF.Sin(Roll);
        return Origin + new Vector2(Scale * Aspect * (a * cos - b * sin), Scale * (a * sin + b * cos));
    }
}

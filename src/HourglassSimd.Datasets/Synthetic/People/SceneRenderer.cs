using System.Numerics;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Renders one synthetic image: a random background with clutter, one or more people (random build, pose, clothing,
/// view, size, rotation, aspect and position, placed inside the image and mostly apart), objects occluding some of
/// them, then lighting, blur and noise. Returns the image with each person's ground truth.
/// </summary>
internal static class SceneRenderer
{
    public static (RgbImage Image, SyntheticPerson[] People) Render(int width, int height, int people, Random random)
    {
        var canvas = SceneCanvas.ForThread(width, height);
        BackgroundPainter.Paint(canvas, random);
        canvas.ClearOwners();

        var placed = new List<(Vector2 Min, Vector2 Max)>();
        var painted = new List<(PaintedPerson Person, Vector2 Min, Vector2 Max)>();
        float side = MathF.Min(width, height);
        for (int p = 0; p < people; p++)
        {
            var shape = BodyShape.Sample(random);
            var body = BodyPoseSampler.Sample(shape, BodyPoseSampler.SampleKind(random), random);
            var look = PersonLook.Sample(random);
            var view = Place(body, shape, SampleView(random), side * (0.3f + 0.55f * random.NextSingle()) / (people == 1 ? 1 : 0.75f + 0.25f * people),
                width, height, placed, random);
            var bounds = PersonPainter.JointBounds(body, shape, view);
            placed.Add(bounds);
            var person = PersonPainter.Paint(canvas, body, shape, look, view, p);
            painted.Add((person, Vector2.Min(bounds.Min, person.HeadMin), Vector2.Max(bounds.Max, person.HeadMax)));
        }

        foreach (var (person, min, max) in painted)
        {
            if (random.NextSingle() < 0.25f)
            {
                var joint = person.Joints[random.Next(person.Joints.Length)];
                BackgroundPainter.Clutter(canvas, random, MathF.Max(max.X - min.X, max.Y - min.Y) * 0.8f, joint);
            }
        }

        var truth = new SyntheticPerson[people];
        for (int p = 0; p < people; p++)
        {
            var (person, min, max) = painted[p];
            var visible = new bool[person.Joints.Length];
            for (int k = 0; k < visible.Length; k++)
                visible[k] = IsVisible(canvas, person.Joints[k], p, PersonParts.AtJoint[k]);
            truth[p] = new SyntheticPerson(person.Joints, visible, (min + max) / 2, MathF.Max(max.X - min.X, max.Y - min.Y), person.HeadMin, person.HeadMax);
        }

        CameraEffects.Apply(canvas, random);
        return (canvas.ToImage(), truth);
    }

    private static PersonView SampleView(Random random)
    {
        float Degrees(float min, float max) => (min + (max - min) * random.NextSingle()) * MathF.PI / 180;
        float u = random.NextSingle();
        float yaw = u < 0.4f ? Degrees(-35, 35) : u < 0.75f ? Degrees(145, 215) : Degrees(0, 360);
        float roll = random.NextSingle() < 0.75f ? Degrees(-15, 15) : Degrees(-45, 45);
        return new PersonView(yaw, Degrees(-12, 12), roll, 1, 0.85f + 0.3f * random.NextSingle(), Vector2.Zero);
    }

    // Scales the view so that the person's longer side is about targetSize pixels and moves it to a random spot
    // inside the image, trying a few spots to keep clear of people already placed.
    private static PersonView Place(BodySkeleton body, BodyShape shape, PersonView view, float targetSize, int width, int height,
        List<(Vector2 Min, Vector2 Max)> placed, Random random)
    {
        var unit = PersonPainter.JointBounds(body, shape, view with { Scale = 100 });
        float unitSize = MathF.Max(unit.Max.X - unit.Min.X, unit.Max.Y - unit.Min.Y) / 100;
        float scale = targetSize / unitSize;
        const float Margin = 2;
        for (int shrink = 0; ; shrink++)
        {
            var bounds = PersonPainter.JointBounds(body, shape, view with { Scale = scale });
            float xFrom = Margin - bounds.Min.X, xTo = width - Margin - bounds.Max.X;
            float yFrom = Margin - bounds.Min.Y, yTo = height - Margin - bounds.Max.Y;
            if (xFrom <= xTo && yFrom <= yTo)
            {
                PersonView best = view;
                float bestOverlap = float.MaxValue;
                for (int attempt = 0; attempt < 12 && bestOverlap > 0.15f; attempt++)
                {
                    var origin = new Vector2(xFrom + (xTo - xFrom) * random.NextSingle(), yFrom + (yTo - yFrom) * random.NextSingle());
                    var candidate = view with { Scale = scale, Origin = origin };
                    float overlap = placed.Count == 0 ? 0 : placed.Max(other => Overlap(bounds.Min + origin, bounds.Max + origin, other.Min, other.Max));
                    if (overlap < bestOverlap)
                        (best, bestOverlap) = (candidate, overlap);
                }
                return best;
            }
            scale *= 0.9f;
        }
    }

    // Intersection over the smaller box's area.
    private static float Overlap(Vector2 minA, Vector2 maxA, Vector2 minB, Vector2 maxB)
    {
        float w = MathF.Min(maxA.X, maxB.X) - MathF.Max(minA.X, minB.X), h = MathF.Min(maxA.Y, maxB.Y) - MathF.Max(minA.Y, minB.Y);
        if (w <= 0 || h <= 0)
            return 0;
        float smaller = MathF.Min((maxA.X - minA.X) * (maxA.Y - minA.Y), (maxB.X - minB.X) * (maxB.Y - minB.Y));
        return w * h / smaller;
    }

    // The joint is visible when the pixel at it, or one of its four neighbours, was last painted by one of the parts
    // that meet at the joint (a joint at the rim of its part may fall on an edge pixel).
    internal static bool IsVisible(SceneCanvas canvas, Vector2 joint, int person, PersonPart[] parts)
    {
        ReadOnlySpan<(int X, int Y)> around = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)];
        foreach (var (dx, dy) in around)
        {
            short owner = canvas.OwnerAt(joint.X + dx, joint.Y + dy);
            if (owner >= 0 && owner / PersonParts.PerPerson == person && Array.IndexOf(parts, (PersonPart)(owner % PersonParts.PerPerson)) >= 0)
                return true;
        }
        return false;
    }
}

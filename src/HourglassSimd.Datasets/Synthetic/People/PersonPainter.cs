using System.Numerics;
using static HourglassSimd.Datasets.Synthetic.BodySkeleton;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Paints a posed person onto a <see cref="SceneCanvas"/>: tapered, cylinder-shaded limbs in clothing colours and
/// patterns, a torso whose width follows the view (broad from the front, narrow from the side), hands, feet and a head
/// with hair and, when it faces the camera, eyes, nose and mouth. Parts are painted from the farthest to the nearest,
/// and far parts are a little darker, so left and right follow from the geometry and the drawing order alone.
/// </summary>
internal static class PersonPainter
{
    private enum ShapeKind { Capsule, Head }

    private readonly record struct Item(float Depth, PersonPart Part, ShapeKind Kind, Vector3 A, Vector3 B, float RadiusA, float RadiusB, SurfacePaint Paint);

    /// <summary>The image-space box around the joints, hands, feet and head, before any thickness (for placement).</summary>
    public static (Vector2 Min, Vector2 Max) JointBounds(BodySkeleton body, BodyShape shape, PersonView view)
    {
        var min = new Vector2(float.MaxValue);
        var max = new Vector2(float.MinValue);
        foreach (var p in body.Joints.Concat(body.HandTips).Concat(body.Toes))
        {
            var q = view.Project(p);
            min = Vector2.Min(min, q);
            max = Vector2.Max(max, q);
        }
        float margin = view.Scale * MathF.Max(shape.LegRadius, shape.HeadWidth);
        return (min - new Vector2(margin), max + new Vector2(margin));
    }

    public static PaintedPerson Paint(SceneCanvas canvas, BodySkeleton body, BodyShape shape, PersonLook look, PersonView view, int person)
    {
        var j = body.Joints;
        var items = new List<Item>(20);
        float centerDepth = view.Depth((j[Pelvis] + j[Thorax]) / 2);

        void Add(PersonPart part, Vector3 a, Vector3 b, float ra, float rb, SurfacePaint paint, ShapeKind kind = ShapeKind.Capsule)
        {
            float depth = view.Depth((a + b) / 2);
            // Nearer parts a little brighter: a cue for which side of the body is in front.
            float brightness = 0.85f + 0.15f * Math.Clamp((depth - centerDepth) / 0.12f, -1, 1);
            items.Add(new Item(depth, part, kind, a, b, ra, rb, paint with { Brightness = paint.Brightness * brightness }));
        }

        Vector3 spine = Vector3.Normalize(j[Thorax] - j[Pelvis]);
        var skin = new SurfacePaint(look.Skin, look.Skin, SurfacePattern.Solid, 8, 1, 0);
        var shoes = new SurfacePaint(look.Shoes, look.Shoes, SurfacePattern.Solid, 8, 1, 0);
        var sleeve = look.LongSleeves ? look.Shirt : skin;
        var lowerLeg = look.Shorts ? skin : look.Trousers;

        Add(PersonPart.Torso, j[Pelvis] - 0.04f * spine, j[Thorax] + 0.025f * spine, 0, 0, look.Shirt);
        Add(PersonPart.Hips, j[RightHip], j[LeftHip], shape.LegRadius * 1.25f, shape.LegRadius * 1.25f, look.Trousers);
        Add(PersonPart.Neck, j[Thorax], j[UpperNeck], shape.HeadWidth * 0.55f, shape.HeadWidth * 0.5f, skin);
        Add(PersonPart.Head, j[UpperNeck], j[HeadTop], 0, 0, skin, ShapeKind.Head);
        for (int side = 0; side < 2; side++)
        {
            bool left = side == 1;
            int shoulder = left ? LeftShoulder : RightShoulder, elbow = left ? LeftElbow : RightElbow, wrist = left ? LeftWrist : RightWrist;
            int hip = left ? LeftHip : RightHip, knee = left ? LeftKnee : RightKnee, ankle = left ? LeftAnkle : RightAnkle;
            float arm = shape.ArmRadius, leg = shape.LegRadius;
            Add(left ? PersonPart.LeftUpperArm : PersonPart.RightUpperArm, j[shoulder], j[elbow], arm * 1.15f, arm * 0.95f, look.Shirt);
            Add(left ? PersonPart.LeftForearm : PersonPart.RightForearm, j[elbow], j[wrist], arm * 0.9f, arm * 0.7f, sleeve);
            Add(left ? PersonPart.LeftHand : PersonPart.RightHand, j[wrist], body.HandTips[side], arm * 0.75f, arm * 0.8f, skin);
            Add(left ? PersonPart.LeftThigh : PersonPart.RightThigh, j[hip], j[knee], leg * 1.15f, leg * 0.9f, look.Trousers);
            Add(left ? PersonPart.LeftShin : PersonPart.RightShin, j[knee], j[ankle], leg * 0.85f, leg * 0.6f, lowerLeg);
            Add(left ? PersonPart.LeftFoot : PersonPart.RightFoot, j[ankle], body.Toes[side], leg * 0.55f, leg * 0.5f, shoes);
        }

        items.Sort((x, y) => x.Depth.CompareTo(y.Depth));
        (Vector2, Vector2) head = default;
        foreach (var item in items)
        {
            short owner = (short)(person * PersonParts.PerPerson + (int)item.Part);
            if (item.Kind == ShapeKind.Head)
                head = PaintHead(canvas, body, shape, look, view, item.Paint.Brightness, owner);
            else if (item.Part == PersonPart.Torso)
                PaintTorso(canvas, body, shape, view, item, owner);
            else
                canvas.FillTaperedCapsule(view.Project(item.A), view.Project(item.B), item.RadiusA * view.Scale, item.RadiusB * view.Scale, item.Paint, owner);
        }
        return new PaintedPerson(j.Select(view.Project).ToArray(), head.Item1, head.Item2);
    }

    // The torso is a tapered capsule whose half widths are the projected extents of elliptical cross-sections
    // (waist and chest) across the projected spine.
    private static void PaintTorso(SceneCanvas canvas, BodySkeleton body, BodyShape shape, PersonView view, in Item item, short owner)
    {
        Vector2 a = view.Project(item.A), b = view.Project(item.B);
        Vector2 along = b - a;
        Vector2 across = along.LengthSquared() > 1e-6f ? Vector2.Normalize(new Vector2(-along.Y, along.X)) : Vector2.UnitX;
        float Extent(float halfWidth, float halfDepth)
        {
            float w = Vector2.Dot(view.ProjectOffset(halfWidth * body.ShoulderAxis), across);
            float d = Vector2.Dot(view.ProjectOffset(halfDepth * body.ChestForward), across);
            return MathF.Sqrt(w * w + d * d);
        }
        canvas.FillTaperedCapsule(a, b, Extent(shape.WaistHalfWidth, shape.WaistHalfDepth), Extent(shape.ChestHalfWidth, shape.ChestHalfDepth), item.Paint, owner);
    }

    private static (Vector2 Min, Vector2 Max) PaintHead(SceneCanvas canvas, BodySkeleton body, BodyShape shape, PersonLook look, PersonView view, float brightness, short owner)
    {
        var j = body.Joints;
        Vector3 up = Vector3.Normalize(j[HeadTop] - j[UpperNeck]);
        Vector3 forward = body.HeadForward;
        Vector3 leftward = Vector3.Cross(up, forward);
        Vector3 center3 = (j[HeadTop] + j[UpperNeck]) / 2;
        Vector2 center = view.Project(center3);
        Vector2 axisSpan = view.Project(j[HeadTop]) - view.Project(j[UpperNeck]);
        Vector2 axis = axisSpan.LengthSquared() > 1e-6f ? Vector2.Normalize(axisSpan) : -Vector2.UnitY;
        float semiAcross = shape.HeadWidth * view.Scale;
        float semiAlong = MathF.Max(axisSpan.Length() / 2, 0.8f * semiAcross);
        float facing = view.ToCamera(forward).Z;

        var skin = new SurfacePaint(look.Skin, look.Skin, SurfacePattern.Solid, 8, brightness, 0);
        var hair = new SurfacePaint(look.Hair, look.Hair.Scale(0.8f), SurfacePattern.StripesAlong, 2.5f, brightness, 0);
        Vector2 Offset(Vector3 v) => view.ProjectOffset(v);
        Vector2 hairCenter = center + Offset(0.15f * shape.Head * up - 0.3f * shape.HeadWidth * forward);
        Vector2 longHairEnd = view.Project(j[UpperNeck] - 0.25f * shape.Head * up - 0.3f * shape.HeadWidth * forward);
        if (facing >= 0)
        {
            if (look.LongHair)
                canvas.FillTaperedCapsule(hairCenter, longHairEnd, semiAcross * 1.05f, semiAcross * 0.9f, hair, owner);
            canvas.FillEllipse(hairCenter, axis, semiAlong * 1.02f, semiAcross * 1.05f, hair, owner);
            canvas.FillEllipse(center + Offset(0.2f * shape.HeadWidth * forward - 0.05f * shape.Head * up), axis, semiAlong * 0.92f, semiAcross * 0.95f, skin, owner);
            float centerDepth = view.Depth(center3);
            float feature = MathF.Max(0.7f, 0.13f * semiAcross);
            var dark = SurfacePaint.Flat(new RgbColor(25, 20, 20));
            foreach (float side in (ReadOnlySpan<float>)[-1f, 1f])
            {
                Vector3 eye = center3 + shape.HeadWidth * (0.85f * forward + 0.4f * side * leftward) + 0.08f * shape.Head * up;
                if (view.Depth(eye) > centerDepth + 0.3f * shape.HeadWidth)
                    canvas.FillEllipse(view.Project(eye), axis, feature, feature, dark, owner);
            }
            Vector3 nose = center3 + 1.05f * shape.HeadWidth * forward - 0.1f * shape.Head * up;
            if (view.Depth(nose) > centerDepth)
                canvas.FillEllipse(view.Project(nose), axis, feature * 1.3f, feature, skin with { Brightness = brightness * 0.8f }, owner);
            Vector3 mouth = center3 + 0.9f * shape.HeadWidth * forward - 0.3f * shape.Head * up;
            if (view.Depth(mouth) > centerDepth + 0.3f * shape.HeadWidth)
                canvas.FillEllipse(view.Project(mouth), new Vector2(-axis.Y, axis.X), feature * 1.8f, feature * 0.6f, SurfacePaint.Flat(new RgbColor(150, 60, 60)), owner);
        }
        else
        {
            canvas.FillEllipse(center, axis, semiAlong, semiAcross, skin, owner);
            canvas.FillEllipse(hairCenter, axis, semiAlong * 0.98f, semiAcross * 1.02f, hair, owner);
            if (look.LongHair)
                canvas.FillTaperedCapsule(hairCenter, longHairEnd, semiAcross * 1.05f, semiAcross * 0.9f, hair, owner);
        }

        var normal = new Vector2(-axis.Y, axis.X);
        float extentX = MathF.Sqrt(Sq(semiAlong * axis.X) + Sq(semiAcross * normal.X));
        float extentY = MathF.Sqrt(Sq(semiAlong * axis.Y) + Sq(semiAcross * normal.Y));
        var extent = new Vector2(extentX, extentY) * 1.05f;
        return (center - extent, center + extent);
    }

    private static float Sq(float v) => v * v;
}

using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Draws random poses within joint-angle limits: the torso bends and leans at the hips, the arms move freely at the
/// shoulders (elevation 0° hanging to 180° overhead, swinging from behind the body to across its front) and bend at
/// the elbows up to 145°; the legs flex, extend and cross at the hips and bend backwards at the knees up to 140°.
/// </summary>
internal static class BodyPoseSampler
{
    // Angle ranges in degrees: (min, max).
    private readonly record struct ArmRange(float ElevationMin, float ElevationMax, float SwingMin, float SwingMax, float ElbowMin, float ElbowMax, float Inward);

    private readonly record struct LegRange(float FlexMin, float FlexMax, float SpreadMin, float SpreadMax, float KneeMin, float KneeMax);

    public static PoseKind SampleKind(Random random)
    {
        float u = random.NextSingle();
        return u switch
        {
            < 0.20f => PoseKind.Standing,
            < 0.35f => PoseKind.Walking,
            < 0.47f => PoseKind.ArmsOverhead,
            < 0.60f => PoseKind.Sitting,
            < 0.72f => PoseKind.BentTorso,
            < 0.84f => PoseKind.CrossedLimbs,
            _ => PoseKind.Free,
        };
    }

    public static BodySkeleton Sample(BodyShape shape, PoseKind kind, Random random)
    {
        float Uniform(float min, float max) => min + (max - min) * random.NextSingle();
        float Radians(float degrees) => degrees * MathF.PI / 180;

        (float bendMin, float bendMax, float leanMax) = kind switch
        {
            PoseKind.Sitting => (-10f, 25f, 8f),
            PoseKind.BentTorso => (30f, 80f, 10f),
            PoseKind.Free => (-20f, 60f, 20f),
            _ => (-8f, 12f, 8f),
        };
        float bend = Radians(Uniform(bendMin, bendMax)), lean = Radians(Uniform(-leanMax, leanMax)), twist = Radians(Uniform(-15, 15));
        Vector3 spine = Rotate(Rotate(Vector3.UnitY, Vector3.UnitX, bend), Vector3.UnitZ, lean);
        Vector3 chestForward = Rotate(Rotate(Rotate(Vector3.UnitZ, Vector3.UnitX, bend), Vector3.UnitZ, lean), spine, twist);
        Vector3 shoulderAxis = Vector3.Normalize(Vector3.Cross(spine, chestForward));

        var joints = new Vector3[16];
        joints[BodySkeleton.Pelvis] = Vector3.Zero;
        joints[BodySkeleton.LeftHip] = shape.HipHalf * Vector3.UnitX;
        joints[BodySkeleton.RightHip] = -shape.HipHalf * Vector3.UnitX;
        Vector3 thorax = shape.Torso * spine;
        joints[BodySkeleton.Thorax] = thorax;
        joints[BodySkeleton.LeftShoulder] = thorax + shape.ShoulderHalf * shoulderAxis - 0.015f * spine;
        joints[BodySkeleton.RightShoulder] = thorax - shape.ShoulderHalf * shoulderAxis - 0.015f * spine;

        Vector3 neck = Rotate(Rotate(spine, shoulderAxis, Radians(Uniform(-10, 25))), chestForward, Radians(Uniform(-10, 10)));
        joints[BodySkeleton.UpperNeck] = thorax + shape.Neck * neck;
        Vector3 headAxis = Rotate(Rotate(neck, shoulderAxis, Radians(Uniform(-15, 25))), chestForward, Radians(Uniform(-15, 15)));
        joints[BodySkeleton.HeadTop] = joints[BodySkeleton.UpperNeck] + shape.Head * headAxis;
        Vector3 face = Rotate(chestForward, headAxis, Radians(Uniform(-50, 50)));
        face = Vector3.Normalize(face - Vector3.Dot(face, headAxis) * headAxis);

        var arm = ArmFor(kind, random);
        // A bent-over person's arms hang from the shoulders in the world frame, not along the torso.
        var (armUp, armForward, armOut) = kind == PoseKind.BentTorso
            ? (Vector3.UnitY, Vector3.UnitZ, Vector3.UnitX)
            : (spine, chestForward, shoulderAxis);
        var handTips = new Vector3[2];
        for (int side = 0; side < 2; side++)
        {
            bool left = side == 1;
            float sign = left ? 1 : -1;
            if (kind == PoseKind.ArmsOverhead && random.NextSingle() < 0.25f)
                arm = ArmFor(PoseKind.Standing, random); // one arm up only
            float elevation = Radians(Uniform(arm.ElevationMin, arm.ElevationMax));
            float swing = Radians(Uniform(arm.SwingMin, arm.SwingMax));
            Vector3 upper = armOut * (sign * MathF.Sin(elevation) * MathF.Cos(swing)) - armUp * MathF.Cos(elevation)
                + armForward * (MathF.Sin(elevation) * MathF.Sin(swing));
            upper = Vector3.Normalize(upper);
            Vector3 preferred = armForward + armUp * Uniform(-0.5f, 1f) - armOut * (sign * Uniform(-0.3f, 0.8f) * arm.Inward);
            Vector3 bendTowards = preferred - Vector3.Dot(preferred, upper) * upper;
            bendTowards = bendTowards.LengthSquared() > 1e-4f ? Vector3.Normalize(bendTowards) : armUp;
            float elbow = Radians(Uniform(arm.ElbowMin, arm.ElbowMax));
            Vector3 fore = MathF.Cos(elbow) * upper + MathF.Sin(elbow) * bendTowards;
            int shoulder = left ? BodySkeleton.LeftShoulder : BodySkeleton.RightShoulder;
            int elbowJoint = left ? BodySkeleton.LeftElbow : BodySkeleton.RightElbow;
            int wrist = left ? BodySkeleton.LeftWrist : BodySkeleton.RightWrist;
            joints[elbowJoint] = joints[shoulder] + shape.UpperArm * upper;
            joints[wrist] = joints[elbowJoint] + shape.Forearm * fore;
            handTips[side] = joints[wrist] + 0.06f * fore;
        }

        var toes = new Vector3[2];
        bool crossOne = kind == PoseKind.CrossedLimbs && random.NextSingle() < 0.6f;
        int crossedSide = random.Next(2);
        LegRange walkingFront = new(10, 35, 0, 8, 0, 30), walkingBack = new(-25, 0, 0, 8, 10, 60);
        bool leftFront = random.Next(2) == 0;
        for (int side = 0; side < 2; side++)
        {
            bool left = side == 1;
            float sign = left ? 1 : -1;
            LegRange leg = kind switch
            {
                PoseKind.Walking => left == leftFront ? walkingFront : walkingBack,
                PoseKind.Sitting => new LegRange(70, 105, 0, 25, 60, 110),
                PoseKind.BentTorso => new LegRange(-5, 20, 0, 12, 0, 30),
                PoseKind.CrossedLimbs when crossOne && side == crossedSide => new LegRange(-5, 15, -20, -10, 0, 15),
                PoseKind.Free => new LegRange(-30, 110, -15, 45, 0, 140),
                _ => new LegRange(-10, 15, 0, 12, 0, 15),
            };
            float flex = Radians(Uniform(leg.FlexMin, leg.FlexMax)), spread = Radians(Uniform(leg.SpreadMin, leg.SpreadMax));
            Vector3 thigh = Vector3.Normalize(Vector3.UnitX * (sign * MathF.Sin(spread))
                - Vector3.UnitY * (MathF.Cos(spread) * MathF.Cos(flex)) + Vector3.UnitZ * (MathF.Cos(spread) * MathF.Sin(flex)));
            Vector3 hinge = Vector3.UnitX - Vector3.Dot(Vector3.UnitX, thigh) * thigh;
            hinge = hinge.LengthSquared() > 1e-4f ? Vector3.Normalize(hinge) : Vector3.UnitX;
            Vector3 shin = Rotate(thigh, hinge, Radians(Uniform(leg.KneeMin, leg.KneeMax)));
            int hip = left ? BodySkeleton.LeftHip : BodySkeleton.RightHip;
            int knee = left ? BodySkeleton.LeftKnee : BodySkeleton.RightKnee;
            int ankle = left ? BodySkeleton.LeftAnkle : BodySkeleton.RightAnkle;
            joints[knee] = joints[hip] + shape.Thigh * thigh;
            joints[ankle] = joints[knee] + shape.Shin * shin;
            Vector3 foot = Vector3.UnitZ - Vector3.Dot(Vector3.UnitZ, shin) * shin;
            foot = foot.LengthSquared() > 1e-4f ? Vector3.Normalize(foot) : -Vector3.UnitY;
            toes[side] = joints[ankle] + shape.Foot * Vector3.Normalize(foot - 0.25f * shin);
        }

        return new BodySkeleton
        {
            Joints = joints,
            HandTips = handTips,
            Toes = toes,
            HeadForward = face,
            ShoulderAxis = shoulderAxis,
            ChestForward = chestForward,
        };
    }

    private static ArmRange ArmFor(PoseKind kind, Random random) => kind switch
    {
        PoseKind.Walking => random.Next(2) == 0 ? new(5, 40, 60, 110, 0, 60, 0.3f) : new(5, 35, -110, -60, 0, 40, 0.3f),
        PoseKind.ArmsOverhead => new(120, 180, -20, 100, 0, 60, 0.3f),
        PoseKind.Sitting => new(0, 60, 30, 110, 30, 110, 0.6f),
        PoseKind.BentTorso => new(0, 45, 40, 100, 0, 60, 0.3f),
        PoseKind.CrossedLimbs => new(30, 90, 110, 160, 60, 130, 1.5f),
        PoseKind.Free => new(0, 180, -60, 160, 0, 145, 0.6f),
        _ => new(0, 35, -20, 100, 0, 40, 0.3f),
    };

    /// <summary>Rotates <paramref name="v"/> about the unit <paramref name="axis"/> by <paramref name="angle"/> radians (right-handed).</summary>
    public static Vector3 Rotate(Vector3 v, Vector3 axis, float angle) =>
        Vector3.Transform(v, Quaternion.CreateFromAxisAngle(axis, angle));
}

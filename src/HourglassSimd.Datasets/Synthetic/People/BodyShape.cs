namespace HourglassSimd.Datasets.Synthetic;

/// <summary>
/// Segment lengths and thicknesses of one synthetic person, as fractions of a standing height of 1. The means follow
/// common anthropometric ratios (thigh ≈ shin ≈ 0.245, upper arm 0.19, forearm 0.15, shoulder width 0.25); each
/// person varies around them.
/// </summary>
internal sealed record BodyShape
{
    public required float Torso { get; init; }        // pelvis to thorax
    public required float Neck { get; init; }         // thorax to upper neck
    public required float Head { get; init; }         // upper neck to head top
    public required float HeadWidth { get; init; }    // half width of the head
    public required float ShoulderHalf { get; init; } // thorax to each shoulder joint
    public required float HipHalf { get; init; }      // pelvis to each hip joint
    public required float UpperArm { get; init; }
    public required float Forearm { get; init; }
    public required float Thigh { get; init; }
    public required float Shin { get; init; }
    public required float Foot { get; init; }
    public required float ChestHalfWidth { get; init; }
    public required float ChestHalfDepth { get; init; }
    public required float WaistHalfWidth { get; init; }
    public required float WaistHalfDepth { get; init; }
    public required float ArmRadius { get; init; }
    public required float LegRadius { get; init; }

    public static BodyShape Sample(Random random)
    {
        float Vary(float mean, float spread) => mean * (1 + spread * (2 * random.NextSingle() - 1));
        float build = 0.8f + 0.45f * random.NextSingle(); // slim to heavy
        float limbs = Vary(1, 0.06f);
        return new BodyShape
        {
            Torso = Vary(0.29f, 0.08f),
            Neck = Vary(0.05f, 0.2f),
            Head = Vary(0.13f, 0.08f),
            HeadWidth = Vary(0.05f, 0.1f),
            ShoulderHalf = Vary(0.115f, 0.1f),
            HipHalf = Vary(0.055f, 0.12f) * (0.9f + 0.2f * build),
            UpperArm = Vary(0.19f, 0.06f) * limbs,
            Forearm = Vary(0.15f, 0.06f) * limbs,
            Thigh = Vary(0.245f, 0.06f) * limbs,
            Shin = Vary(0.245f, 0.06f) * limbs,
            Foot = Vary(0.09f, 0.1f),
            ChestHalfWidth = Vary(0.13f, 0.08f) * build,
            ChestHalfDepth = Vary(0.07f, 0.1f) * build,
            WaistHalfWidth = Vary(0.105f, 0.1f) * build,
            WaistHalfDepth = Vary(0.06f, 0.1f) * build,
            ArmRadius = Vary(0.028f, 0.15f) * build,
            LegRadius = Vary(0.042f, 0.15f) * build,
        };
    }
}

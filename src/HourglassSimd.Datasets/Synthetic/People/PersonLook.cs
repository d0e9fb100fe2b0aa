namespace HourglassSimd.Datasets.Synthetic;

/// <summary>Colours and clothing of one synthetic person.</summary>
internal sealed record PersonLook
{
    public required RgbColor Skin { get; init; }
    public required RgbColor Hair { get; init; }
    public required RgbColor Shoes { get; init; }
    public required SurfacePaint Shirt { get; init; }
    public required SurfacePaint Trousers { get; init; }
    public required bool LongSleeves { get; init; }
    public required bool Shorts { get; init; }
    public required bool LongHair { get; init; }

    public static PersonLook Sample(Random random)
    {
        // Skin tones from light to dark along one warm hue band.
        float tone = random.NextSingle();
        var skin = new RgbColor(235 - 150 * tone, 195 - 130 * tone, 170 - 120 * tone).Scale(0.9f + 0.2f * random.NextSingle());
        RgbColor[] hairs = [new(30, 22, 18), new(70, 45, 25), new(120, 80, 40), new(200, 170, 110), new(150, 150, 150), new(110, 30, 20)];
        return new PersonLook
        {
            Skin = skin,
            Hair = hairs[random.Next(hairs.Length)].Scale(0.85f + 0.3f * random.NextSingle()),
            Shoes = RgbColor.Random(random).Scale(0.5f),
            Shirt = Clothing(random),
            Trousers = Clothing(random),
            LongSleeves = random.NextSingle() < 0.6f,
            Shorts = random.NextSingle() < 0.25f,
            LongHair = random.NextSingle() < 0.35f,
        };
    }

    private static SurfacePaint Clothing(Random random)
    {
        var pattern = random.NextSingle() < 0.5f ? SurfacePattern.Solid : (SurfacePattern)(1 + random.Next(4));
        var color = RgbColor.Random(random);
        return new SurfacePaint(color, RgbColor.Random(random), pattern, 3 + 6 * random.NextSingle(), 1, 0);
    }
}

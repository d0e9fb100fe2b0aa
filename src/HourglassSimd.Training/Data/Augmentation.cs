using HourglassSimd.Pose;

namespace HourglassSimd.Training;

/// <summary>One random draw of the paper's augmentation: rotation, scale and horizontal flip.</summary>
/// <param name="RotationDegrees">Crop rotation r (spec §2.2), applied to the <see cref="PersonBox"/>.</param>
/// <param name="ScaleFactor">Multiplies the box scale: above 1 zooms out, below 1 zooms in.</param>
/// <param name="Flip">Mirror the crop (<see cref="CropSampler"/>'s mirror) and swap left/right joints (<see cref="JointLayout.FlipPermutation"/>).</param>
public readonly record struct Augmentation(float RotationDegrees, float ScaleFactor, bool Flip)
{
    public const float MaxRotationDegrees = 30f;
    public const float MinScale = 0.75f;
    public const float MaxScale = 1.25f;

    public static Augmentation Identity => new(0, 1, false);

    /// <summary>Rotation uniform in ±30°, scale uniform in [0.75, 1.25], flip with probability 1/2 (when allowed).</summary>
    public static Augmentation Draw(Random random, bool allowFlip)
    {
        ArgumentNullException.ThrowIfNull(random);
        float rotation = (float)((random.NextDouble() * 2 - 1) * MaxRotationDegrees);
        float scale = (float)(MinScale + random.NextDouble() * (MaxScale - MinScale));
        bool flip = allowFlip && random.Next(2) == 1;
        return new Augmentation(rotation, scale, flip);
    }

    /// <summary>
    /// The box the crop is taken from: same centre, scale × <see cref="ScaleFactor"/>, rotation + <see cref="RotationDegrees"/>.
    /// The identity draw returns <paramref name="box"/> unchanged, so an unaugmented sample is cropped exactly as inference
    /// crops the same box.
    /// </summary>
    public PersonBox ApplyTo(PersonBox box) =>
        RotationDegrees == 0 && ScaleFactor == 1
            ? box
            : new PersonBox(box.CenterX, box.CenterY, box.Scale * ScaleFactor, box.RotationDegrees + RotationDegrees);
}

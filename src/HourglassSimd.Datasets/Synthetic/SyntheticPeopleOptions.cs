namespace HourglassSimd.Datasets;

/// <summary>What <see cref="SyntheticPeopleDataset.Write"/> generates.</summary>
public sealed record SyntheticPeopleOptions
{
    /// <summary>Largest accepted image side and people count (the checks in <see cref="Validate"/>).</summary>
    public const int MaxImageSize = 2048, MaxPeople = 10_000_000;

    /// <summary>People in the training split (isValidation = 0).</summary>
    public int TrainPeople { get; init; } = 8000;

    /// <summary>People in the validation split (isValidation = 1).</summary>
    public int ValidationPeople { get; init; } = 1000;

    /// <summary>Side of the square images in pixels.</summary>
    public int ImageSize { get; init; } = 256;

    /// <summary>Each image holds 1 to this many people.</summary>
    public int MaxPeoplePerImage { get; init; } = 3;

    /// <summary>Seed of everything random; the same seed and options give the same files.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>png</c> (lossless, the default) or <c>jpg</c>.</summary>
    public string Format { get; init; } = "png";

    /// <summary>Worker threads; 0 = one per processor. The output does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (TrainPeople < 0 || ValidationPeople < 0 || (long)TrainPeople + ValidationPeople == 0 || (long)TrainPeople + ValidationPeople > MaxPeople)
            throw new ArgumentException($"the train and validation people must not be negative, not both 0, and at most {MaxPeople:N0} together.");
        if (ImageSize is < 64 or > MaxImageSize)
            throw new ArgumentException($"the image size must be between 64 and {MaxImageSize} pixels, not {ImageSize}.");
        if (MaxPeoplePerImage is < 1 or > 8)
            throw new ArgumentException($"people per image must be between 1 and 8, not {MaxPeoplePerImage}.");
        if (Format is not ("png" or "jpg"))
            throw new ArgumentException($"the image format must be png or jpg, not '{Format}'.");
        if (Threads < 0 || Threads > 4 * Environment.ProcessorCount)
            throw new ArgumentException($"threads must be between 0 (one per processor) and {4 * Environment.ProcessorCount}, not {Threads}.");
    }
}

using System.Globalization;
using System.Numerics;
using System.Text;
using HourglassSimd.Datasets.Synthetic;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// Synthetic people for training and evaluating pose networks without a public data set: articulated 3D bodies with
/// the 16 MPII joints (varied proportions, joint-angle limits, standing, walking, sitting, bending, arms overhead,
/// crossed limbs), seen from the front, back and side, painted with shaded, tapered limbs, clothing colours and
/// patterns, a head with hair and a face, over random backgrounds with clutter, partly hidden by objects, with random
/// size, rotation, aspect, lighting, blur and noise; one to several people per image. Left and right follow from the
/// geometry and the drawing order, never from colour, so mirrored images are valid samples (flip test, flip
/// augmentation).
/// </summary>
/// <remarks>
/// Output: <c>images/</c> (<c>train-NNNNNN.png</c>, <c>val-NNNNNN.png</c>), <c>boxes.json</c> (each image's person
/// squares in the form <c>infer --boxes</c> reads) and <c>annotations.json</c>, an MPII-style
/// array with one record per person: <c>img_paths</c>, <c>joint_self</c> (<c>[x, y, visible]</c> in pixels, continuous
/// coordinates with pixel centres at +0.5), <c>objpos</c> and <c>scale_provided</c> such that the MPII box adjustment
/// (centre down by 15·s, side 250·s) gives a square 1.25 times the person's longer side around the person,
/// <c>head_rect</c> and <c>normalize</c> (0.6 × its diagonal, the PCKh head size), <c>isValidation</c>. Image
/// <c>n</c> of a split is drawn from a random generator seeded by (seed, split, n), so the files do not depend on the
/// thread count.
/// </remarks>
public static class SyntheticPeopleDataset
{
    /// <summary>What a <see cref="Write"/> call produced.</summary>
    /// <param name="AnnotationsPath">The annotations.json written.</param>
    /// <param name="TrainImages">Images of the training split.</param>
    /// <param name="ValidationImages">Images of the validation split.</param>
    /// <param name="People">People in both splits.</param>
    public sealed record Summary(string AnnotationsPath, int TrainImages, int ValidationImages, int People);

    /// <summary>Writes the data set into <paramref name="folder"/> (created if needed).</summary>
    /// <param name="folder">Destination; <c>images/</c> and <c>annotations.json</c> go inside.</param>
    /// <param name="options">Sizes, seed and format.</param>
    /// <param name="progress">Receives the number of images written so far.</param>
    /// <param name="cancellationToken">Stops between images; annotations.json is then not written.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static Summary Write(string folder, SyntheticPeopleOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string imagesFolder = Path.Combine(folder, "images");
        Directory.CreateDirectory(imagesFolder);

        var plan = Plan(options);
        var records = new string[plan.Count][];
        var boxes = new string[plan.Count];
        int done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, plan.Count, parallel, i =>
        {
            var (name, validation, people, seed) = plan[i];
            var (image, truth) = SceneRenderer.Render(options.ImageSize, options.ImageSize, people, new Random(seed));
            ImageSaver.Save(image, Path.Combine(imagesFolder, name), fastPng: true);
            records[i] = truth.Select(person => Record(name, person, validation)).ToArray();
            boxes[i] = Invariant($"  \"{name}\": [") + string.Join(", ", truth.Select(Box)) + "]";
            progress?.Report(Interlocked.Increment(ref done));
        });

        string annotations = Path.Combine(folder, "annotations.json");
        var json = new StringBuilder("[\n");
        json.AppendJoin(",\n", records.SelectMany(r => r));
        json.Append("\n]\n");
        WriteAtomically(annotations, json.ToString());
        WriteAtomically(Path.Combine(folder, "boxes.json"), "{\n" + string.Join(",\n", boxes) + "\n}\n");
        int validationImages = plan.Count(p => p.Validation);
        return new Summary(annotations, plan.Count - validationImages, validationImages, options.TrainPeople + options.ValidationPeople);
    }

    /// <summary>Renders image <paramref name="index"/> of a split as <see cref="Write"/> would, with its ground truth as poses (confidence 1 for visible joints, 0.5 for hidden ones).</summary>
    public static (RgbImage Image, IReadOnlyList<PoseResult> People) Render(SyntheticPeopleOptions options, bool validation, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var entry = Entry(options, validation, index);
        var (image, truth) = SceneRenderer.Render(options.ImageSize, options.ImageSize, entry.People, new Random(entry.Seed));
        var poses = truth.Select(person => new PoseResult(
            person.Joints.Select((j, k) => new Keypoint(j.X, j.Y, person.Visible[k] ? 1f : 0.5f, JointLayout.Mpii16.Names[k])).ToArray(),
            new PersonBox(person.Center.X, person.Center.Y, person.Size * PersonBox.DefaultPadding / PersonBox.PixelsPerScale),
            JointLayout.Mpii16)).ToArray();
        return (image, poses);
    }

    /// <summary>
    /// Renders image <paramref name="index"/> of a split as <see cref="Write"/> would, with its people exactly as
    /// annotations.json records them (the same text, read back by <see cref="MpiiAnnotationReader"/>).
    /// </summary>
    public static (RgbImage Image, IReadOnlyList<MpiiAnnotation> People) RenderAnnotated(SyntheticPeopleOptions options, bool validation, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var entry = Entry(options, validation, index);
        var (image, truth) = SceneRenderer.Render(options.ImageSize, options.ImageSize, entry.People, new Random(entry.Seed));
        string json = "[" + string.Join(",", truth.Select(person => Record(entry.Name, person, validation))) + "]";
        return (image, MpiiAnnotationReader.Parse(json, entry.Name));
    }

    private static (string Name, bool Validation, int People, int Seed) Entry(SyntheticPeopleOptions options, bool validation, int index)
    {
        var split = Plan(options).Where(p => p.Validation == validation).ToList();
        if ((uint)index >= (uint)split.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the split has {split.Count} images.");
        return split[index];
    }

    /// <summary>How many images a split of <paramref name="options"/> has.</summary>
    public static int ImageCount(SyntheticPeopleOptions options, bool validation)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Plan(options).Count(p => p.Validation == validation);
    }

    // Which people go into which image: drawn in sequence from the seed, so that every image's content is fixed
    // before the images are rendered in parallel.
    private static List<(string Name, bool Validation, int People, int Seed)> Plan(SyntheticPeopleOptions options)
    {
        var random = new Random(options.Seed);
        var plan = new List<(string, bool, int, int)>();
        foreach (bool validation in (ReadOnlySpan<bool>)[false, true])
        {
            int remaining = validation ? options.ValidationPeople : options.TrainPeople;
            for (int n = 0; remaining > 0; n++)
            {
                int people = Math.Min(remaining, random.Next(1, options.MaxPeoplePerImage + 1));
                remaining -= people;
                string name = $"{(validation ? "val" : "train")}-{n:D6}.{options.Format}";
                plan.Add((name, validation, people, ImageSeed(options.Seed, validation, n)));
            }
        }
        return plan;
    }

    private static int ImageSeed(int seed, bool validation, int index)
    {
        // SplitMix64 finaliser over (seed, split, index).
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (validation ? 0x632BE59BD9B4E019UL : 0) + (ulong)index * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private static string Record(string image, SyntheticPerson person, bool validation)
    {
        float scale = person.Size / PersonBox.PixelsPerScale;
        // The reader moves the centre down by 15·s (raw MPII objpos sits above the box centre); undo that here.
        var objpos = new Vector2(person.Center.X, person.Center.Y - 15 * scale);
        var joints = string.Join(", ", person.Joints.Select((j, k) => Invariant($"[{j.X:F2}, {j.Y:F2}, {(person.Visible[k] ? 1 : 0)}]")));
        return Invariant($"  {{\"img_paths\": \"{image}\", \"objpos\": [{objpos.X:F2}, {objpos.Y:F2}], \"scale_provided\": {scale:F5}, ")
            + Invariant($"\"joint_self\": [{joints}], \"head_rect\": [{person.HeadMin.X:F2}, {person.HeadMin.Y:F2}, {person.HeadMax.X:F2}, {person.HeadMax.Y:F2}], ")
            + Invariant($"\"normalize\": {person.HeadSize:F3}, \"isValidation\": {(validation ? 1 : 0)}}}");
    }

    // The square around the person that infer --boxes turns into the same crop as the annotation's box.
    private static string Box(SyntheticPerson person) =>
        Invariant($"[{person.Center.X - person.Size / 2:F2}, {person.Center.Y - person.Size / 2:F2}, {person.Size:F2}, {person.Size:F2}]");

    private static void WriteAtomically(string path, string text)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using HourglassSimd.IO;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// A synthetic pose data set for trying the whole tool chain without MPII: 96x96 PNG images of a stick figure on a
/// noisy dark background, its 16 joints in the MPII order and layout, each joint a dot of its own colour, the pose and
/// position jittered per image; plus an MPII-style annotation file (img_paths, joint_self, objpos, scale_provided,
/// normalize, isValidation) whose raw boxes become the whole image after the MPII box adjustment.
/// </summary>
public static class StickFigureDataset
{
    /// <summary>Side of every image, in pixels.</summary>
    public const int Size = 96;

    /// <summary>Head size (PCKh normalizer) written for every person, in pixels.</summary>
    public const float HeadSize = 10f;

    // Joint positions of the template figure in a 96x96 frame, MPII order (spec §4.1).
    private static readonly (float X, float Y)[] Template =
    [
        (38, 88), (40, 70), (42, 54), (54, 54), (56, 70), (58, 88), (48, 54), (48, 32),
        (48, 24), (48, 12), (28, 50), (32, 40), (38, 28), (58, 28), (64, 40), (68, 50),
    ];

    /// <summary>
    /// Writes <paramref name="train"/> + <paramref name="validation"/> images and annotations.json into
    /// <paramref name="folder"/>, each file atomically; returns the path of annotations.json.
    /// </summary>
    /// <param name="folder">Output folder (created).</param>
    /// <param name="train">Training images.</param>
    /// <param name="validation">Validation images.</param>
    /// <param name="seed">Seed of the poses and the background noise.</param>
    /// <param name="cancellationToken">
    /// Checked before each image: a cancelled token throws <see cref="OperationCanceledException"/>, leaving the images
    /// written so far (each complete) and no annotations.json.
    /// </param>
    public static string Write(string folder, int train, int validation, int seed, CancellationToken cancellationToken = default)
    {
        if (train < 0 || validation < 0 || train + validation == 0)
            throw new ArgumentException("--train and --validation must not be negative, and not both 0.");
        string images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        var random = new Random(seed);
        var colours = Enumerable.Range(0, 16)
            .Select(k => ((byte)(60 + k * 97 % 196), (byte)(60 + k * 53 % 196), (byte)(60 + k * 151 % 196)))
            .ToArray();
        // The raw MPII box: the reader moves the centre down by 15 s and scales s by 1.25, which gives the whole image.
        float scale = Size / 200f / 1.25f, centerY = Size / 2f - 15 * scale;
        var json = new StringBuilder("[\n");
        int count = train + validation;
        for (int n = 0; n < count; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            float dx = random.Next(-8, 9), dy = random.Next(-4, 5);
            var joints = Template
                .Select(p => (X: p.X + dx + (float)(random.NextDouble() * 8 - 4), Y: p.Y + dy + (float)(random.NextDouble() * 6 - 3)))
                .ToArray();
            var image = Draw(joints, colours, random);
            string file = $"person{n:D3}.png";
            ImageSaver.Save(image, Path.Combine(images, file));
            string jointList = string.Join(", ", joints.Select(j => Invariant($"[{j.X:F2}, {j.Y:F2}, 1]")));
            json.Append(Invariant($"  {{\"img_paths\": \"{file}\", \"objpos\": [{Size / 2f}, {centerY:F4}], \"scale_provided\": {scale:F4}, "));
            json.Append(Invariant($"\"joint_self\": [{jointList}], \"normalize\": {HeadSize}, \"isValidation\": {(n >= train ? 1 : 0)}}}"));
            json.Append(n + 1 < count ? ",\n" : "\n");
        }
        json.Append("]\n");
        string annotations = Path.Combine(folder, "annotations.json");
        AtomicFile.WriteAllBytes(annotations, Encoding.UTF8.GetBytes(json.ToString()));
        return annotations;
    }

    private static RgbImage Draw((float X, float Y)[] joints, (byte R, byte G, byte B)[] colours, Random random)
    {
        var image = new RgbImage(Size, Size);
        for (int y = 0; y < Size; y++)
        for (int x = 0; x < Size; x++)
        {
            byte grey = (byte)(20 + random.Next(25));
            image.SetPixel(x, y, grey, grey, grey);
        }
        foreach (var (a, b) in JointLayout.Mpii16.Skeleton.Select(e => (e.First, e.Second)))
        {
            for (int step = 0; step <= 40; step++)
            {
                float t = step / 40f;
                Plot(image, (int)(joints[a].X * (1 - t) + joints[b].X * t), (int)(joints[a].Y * (1 - t) + joints[b].Y * t), (140, 140, 140));
            }
        }
        for (int k = 0; k < joints.Length; k++)
            for (int oy = -2; oy <= 2; oy++)
                for (int ox = -2; ox <= 2; ox++)
                    if (ox * ox + oy * oy <= 5)
                        Plot(image, (int)joints[k].X + ox, (int)joints[k].Y + oy, colours[k]);
        return image;
    }

    private static void Plot(RgbImage image, int x, int y, (byte R, byte G, byte B) colour)
    {
        if (x >= 0 && y >= 0 && x < Size && y < Size)
            image.SetPixel(x, y, colour.R, colour.G, colour.B);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

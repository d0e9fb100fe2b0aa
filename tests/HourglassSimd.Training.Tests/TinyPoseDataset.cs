using System.Globalization;
using System.Text;
using HourglassSimd.Pose;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training.Tests;

/// <summary>
/// A few real PNG images with bright dots at 16 joint positions on a dark, noisy background, plus an MPII-style JSON
/// annotation file, generated in a temporary folder (deleted on dispose).
/// </summary>
public sealed class TinyPoseDataset : IDisposable
{
    public const int Width = 96;
    public const int Height = 80;
    public const int TrainCount = 6;
    public const int ValidationCount = 2;

    /// <summary>Raw MPII scale: with the MPII box adjustment the box side is 200 · 0.32 · 1.25 = 80 px.</summary>
    public const float RawScale = 0.32f;

    public TinyPoseDataset()
    {
        Root = Path.Combine(Path.GetTempPath(), "hg-training-tests-" + Guid.NewGuid().ToString("N"));
        ImagesFolder = Path.Combine(Root, "images");
        Directory.CreateDirectory(ImagesFolder);
        AnnotationsPath = Path.Combine(Root, "annotations.json");

        var random = new Random(1234);
        var json = new StringBuilder("[\n");
        for (int n = 0; n < TrainCount + ValidationCount; n++)
        {
            string file = $"person{n}.png";
            var joints = new (float X, float Y, int Visible)[JointLayout.Mpii16.Count];
            for (int k = 0; k < joints.Length; k++)
            {
                joints[k] = (random.Next(12, Width - 12), random.Next(10, Height - 10), random.Next(4) == 0 ? 0 : 1);
            }

            if (n % 3 == 0)
            {
                joints[9] = (0, 0, 0); // an unannotated joint, written the MPII way
            }

            WriteImage(Path.Combine(ImagesFolder, file), joints, random);
            string jointList = string.Join(", ", joints.Select(j => Invariant($"[{j.X}, {j.Y}, {j.Visible}]")));
            float centerY = Height / 2f - 15 * RawScale; // the MPII adjustment moves it back to the image centre
            json.Append(Invariant(
                $"  {{\"img_paths\": \"{file}\", \"objpos\": [{Width / 2f}, {centerY}], \"scale_provided\": {RawScale}, "));
            json.Append(Invariant(
                $"\"joint_self\": [{jointList}], \"isValidation\": {(n >= TrainCount ? "1.0" : "0.0")}, \"people_index\": {n}}}"));
            json.Append(n + 1 < TrainCount + ValidationCount ? ",\n" : "\n");
        }

        json.Append("]\n");
        File.WriteAllText(AnnotationsPath, json.ToString());
    }

    public string Root { get; }

    /// <summary>A seconds-long training run on this data: 1 stack, 16 features, 64x64, batch 2, seed 7, CPU.</summary>
    public TrainingOptions SmallRun(string outputFolder, int epochs) => new()
    {
        AnnotationsPath = AnnotationsPath,
        ImagesFolder = ImagesFolder,
        Stacks = 1,
        Features = 16,
        Joints = JointLayout.Mpii16.Count,
        InputSize = 64,
        BatchSize = 2,
        Epochs = epochs,
        Device = DeviceChoice.Cpu,
        OutputFolder = outputFolder,
        Seed = 7,
    };

    public string ImagesFolder { get; }

    public string AnnotationsPath { get; }

    /// <summary>A fresh empty folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name)
    {
        string path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static void WriteImage(string path, (float X, float Y, int Visible)[] joints, Random random)
    {
        using var image = new Image<Rgb24>(Width, Height);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                byte v = (byte)random.Next(0, 40);
                image[x, y] = new Rgb24(v, (byte)(v / 2), (byte)(40 - v));
            }
        }

        for (int k = 0; k < joints.Length; k++)
        {
            if (joints[k].X == 0 && joints[k].Y == 0)
            {
                continue;
            }

            // A 5x5 dot whose colour encodes the joint, so left and right joints look different.
            var color = new Rgb24((byte)(120 + 8 * k), (byte)(255 - 12 * k), (byte)(k % 2 == 0 ? 255 : 60));
            for (int dy = -2; dy <= 2; dy++)
            {
                for (int dx = -2; dx <= 2; dx++)
                {
                    int x = (int)joints[k].X + dx, y = (int)joints[k].Y + dy;
                    if (x >= 0 && x < Width && y >= 0 && y < Height)
                    {
                        image[x, y] = color;
                    }
                }
            }
        }

        image.SaveAsPng(path);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

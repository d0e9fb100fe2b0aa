using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Cli.Tests.Support;

/// <summary>
/// A small real model file: 1 stack, 16 features, 16 joints (MPII layout), 64x64 input, seeded random weights. The
/// same estimator settings as the CLI's give the values the CLI should print.
/// </summary>
public static class TestModel
{
    public static HourglassArchitecture Architecture { get; } = new(stacks: 1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);

    /// <summary>Writes the model to <paramref name="path"/> and returns it.</summary>
    public static string Write(string path)
    {
        new HourglassModelFile(Architecture, HourglassWeights.CreateRandom(Architecture, seed: 7), source: "cli tests").Save(path);
        return path;
    }

    /// <summary>Poses as the CLI computes them (one thread, boxes of one image in one call).</summary>
    public static IReadOnlyList<PoseResult> Estimate(string modelPath, string imagePath, IReadOnlyList<PersonBox>? boxes, bool flipTest,
        (int Height, int Width)? inputSize = null, IReadOnlyList<float>? scales = null, PeakRefinement refinement = PeakRefinement.QuarterOffset)
    {
        var file = HourglassModelFile.Load(modelPath);
        using var network = file.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = 1 });
        var options = new PoseEstimatorOptions { FlipTest = flipTest, Normalization = file.Normalization, InputSize = inputSize, Refinement = refinement };
        var estimator = new PoseEstimator(network, scales is null ? options : options with { Scales = scales });
        var image = new ImageLoader().Load(imagePath);
        return estimator.Estimate(image, boxes ?? [PersonBox.WholeImage(image.Width, image.Height)]);
    }
}

using System.Globalization;
using HourglassSimd.Datasets;
using HourglassSimd.Pose;

namespace HourglassSimd.Training;

/// <summary>
/// PCKh@0.5 of a training checkpoint through TorchSharp's forward pass (<see cref="TorchSharpPoseEstimator"/>) on the
/// validation records of an MPII-style annotation file: the same crops, flip test, decoder and evaluator as
/// <c>hourglass eval</c> on the converted model, so the two figures can be compared.
/// </summary>
public static class CheckpointEvaluation
{
    /// <summary>Loads <paramref name="checkpoint"/> (with its metadata sidecar), evaluates it and prints the result to <paramref name="log"/>.</summary>
    /// <param name="checkpoint">The TorchSharp checkpoint.</param>
    /// <param name="annotationsPath">MPII-style annotations; their validation records are evaluated.</param>
    /// <param name="imagesFolder">The folder the records' image paths are relative to.</param>
    /// <param name="flipTest">Also run the mirrored crop and average.</param>
    /// <param name="log">Where the result lines go.</param>
    /// <param name="refinement">The decoder's sub-pixel rule.</param>
    /// <exception cref="TrainingException">The checkpoint has no metadata, or cannot be loaded.</exception>
    public static PckhResult Run(string checkpoint, string annotationsPath, string imagesFolder, bool flipTest, TextWriter log, PeakRefinement refinement = PeakRefinement.QuarterOffset)
    {
        ArgumentNullException.ThrowIfNull(log);
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpoint))
            ?? throw new TrainingException($"checkpoint '{checkpoint}' has no metadata file ({Path.GetFileName(TrainingCheckpoint.MetadataPath(checkpoint))}) with its architecture and input size");
        using var net = new PoseNet(metadata.Architecture);
        TrainingCheckpoint.Load(checkpoint, net, optimizer: null, out _);
        var layout = JointLayout.ForJointCount(metadata.Joints);
        var estimator = new TorchSharpPoseEstimator(net, metadata.InputSize, SampleBuilder.Normalization, layout, flipTest, refinement);

        var records = MpiiAnnotationReader.ReadFile(annotationsPath).Where(r => r.IsValidation).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var evaluator = new PckhEvaluator(metadata.Joints);
        var result = PckhValidation.Evaluate(evaluator, records, imagesFolder,
            (image, people) => [.. people.Select(record => estimator.Estimate(image, record.Box))]);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PCKh@0.5 through TorchSharp's forward pass: {evaluator.PeopleEvaluated} people (flip test {(flipTest ? "on" : "off")}{(refinement == PeakRefinement.QuarterOffset ? "" : $", {refinement} refinement")}, {clock.Elapsed.TotalSeconds:0.0} s)"));
        log.WriteLine("     Head Shoulder    Elbow    Wrist      Hip     Knee    Ankle     Mean");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Head,9:0.00}{result.Shoulder,9:0.00}{result.Elbow,9:0.00}{result.Wrist,9:0.00}{result.Hip,9:0.00}{result.Knee,9:0.00}{result.Ankle,9:0.00}{result.Mean,9:0.00}"));
        return result;
    }
}

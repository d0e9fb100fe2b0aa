using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>
/// PCKh of a pose estimator on annotated people: each image read once, in order of first appearance, and all its
/// people estimated together. The estimator is a delegate, so that the engine's <see cref="PoseEstimator"/> and
/// other forward passes (a training framework's) are scored by the same loop.
/// </summary>
public static class PckhValidation
{
    /// <summary>Estimates every record's person and adds it to <paramref name="evaluator"/>; returns its result.</summary>
    /// <param name="evaluator">Collects the scores (and counts the people it could score).</param>
    /// <param name="records">The people to score (usually an annotation file's validation records).</param>
    /// <param name="imagesFolder">The folder the records' image paths are relative to.</param>
    /// <param name="estimate">Given an image and its records, one pose per record, in their order.</param>
    /// <exception cref="ImageLoadException">An image is missing or cannot be decoded.</exception>
    /// <exception cref="InvalidOperationException">The estimator returned a different number of poses than people.</exception>
    public static PckhResult Evaluate(PckhEvaluator evaluator, IEnumerable<MpiiAnnotation> records, string imagesFolder,
        Func<RgbImage, IReadOnlyList<MpiiAnnotation>, IReadOnlyList<PoseResult>> estimate)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(imagesFolder);
        ArgumentNullException.ThrowIfNull(estimate);
        var loader = new ImageLoader();
        foreach (var group in records.GroupBy(r => r.ImagePath, StringComparer.Ordinal))
        {
            MpiiAnnotation[] people = [.. group];
            var image = loader.Load(Path.Combine(imagesFolder, group.Key));
            var poses = estimate(image, people);
            if (poses.Count != people.Length)
            {
                throw new InvalidOperationException($"{group.Key}: the estimator returned {poses.Count} poses for {people.Length} people.");
            }

            for (int i = 0; i < people.Length; i++)
            {
                evaluator.Add(poses[i], people[i]);
            }
        }

        return evaluator.Evaluate();
    }
}

using HourglassSimd.Datasets;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;
using HourglassSimd.Training;
using Xunit.Abstractions;

namespace HourglassSimd.Parity.Tests.DemoModel;

/// <summary>
/// The shipped demo model two ways on its 1,000 synthetic validation people (regenerated from the seed it was trained
/// with): the training checkpoint through TorchSharp's forward pass, and the converted .hgw through the engine, both
/// with the engine's crops, flip test and decoder. The PCKh figures must agree within 0.2 points and at least 99% of
/// the keypoints must be identical (within 0.001 px).
/// </summary>
[Trait("Category", "Heavy")]
public sealed class DemoModelAgreementTests(ITestOutputHelper output)
{
    /// <summary>The data the demo model was trained on (docs/demo-model.md): its validation split is regenerated here.</summary>
    private static readonly SyntheticPeopleOptions TrainingData = new() { TrainPeople = 20_000, ValidationPeople = 1_000, ImageSize = 256, Seed = 1 };

    [Theory]
    [InlineData(true, PeakRefinement.QuarterOffset)]
    [InlineData(false, PeakRefinement.QuarterOffset)]
    [InlineData(true, PeakRefinement.Taylor)]
    public void Checkpoint_through_TorchSharp_and_hgw_through_the_engine_agree(bool flipTest, PeakRefinement refinement)
    {
        string models = Path.Combine(RepositoryPaths.Root, "models");
        string checkpoint = Path.Combine(models, "training", "hourglass-demo.dat");
        var metadata = CheckpointMetadata.TryRead(TrainingCheckpoint.MetadataPath(checkpoint))!;
        using var net = new PoseNet(metadata.Architecture);
        TrainingCheckpoint.Load(checkpoint, net, optimizer: null, out _);
        var reference = new TorchSharpPoseEstimator(net, metadata.InputSize, SampleBuilder.Normalization, JointLayout.Mpii16, flipTest, refinement);
        using var network = HourglassNetwork.Load(Path.Combine(models, "hourglass-demo.hgw"), new HourglassOptions { MaxDegreeOfParallelism = 2 });
        var engine = new PoseEstimator(network, new PoseEstimatorOptions { FlipTest = flipTest, Refinement = refinement });

        var data = TrainingData;
        var torchPckh = new PckhEvaluator();
        var enginePckh = new PckhEvaluator();
        int keypoints = 0, identical = 0;
        for (int i = 0; i < SyntheticPeopleDataset.ImageCount(data, validation: true); i++)
        {
            var (image, people) = SyntheticPeopleDataset.RenderAnnotated(data, validation: true, i);
            foreach (var person in people)
            {
                var a = reference.Estimate(image, person.Box);
                var b = engine.Estimate(image, person.Box);
                torchPckh.Add(a, person);
                enginePckh.Add(b, person);
                for (int k = 0; k < a.Keypoints.Count; k++, keypoints++)
                {
                    if (MathF.Abs(a.Keypoints[k].X - b.Keypoints[k].X) < 1e-3f && MathF.Abs(a.Keypoints[k].Y - b.Keypoints[k].Y) < 1e-3f)
                        identical++;
                }
            }
        }

        double torchMean = torchPckh.Evaluate().Mean, engineMean = enginePckh.Evaluate().Mean;
        output.WriteLine($"flip test {(flipTest ? "on" : "off")}, {refinement}: {torchPckh.PeopleEvaluated} people; PCKh@0.5 TorchSharp {torchMean:F2}, engine {engineMean:F2}; identical keypoints {identical} of {keypoints} ({100.0 * identical / keypoints:F2}%)");
        Assert.Equal(data.ValidationPeople, torchPckh.PeopleEvaluated);
        Assert.InRange(Math.Abs(torchMean - engineMean), 0, 0.2);
        Assert.True(identical >= 0.99 * keypoints, $"only {identical} of {keypoints} keypoints are identical");
    }
}

using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

/// <summary>
/// The estimator takes the network's normalization and joint layout (its model metadata) unless the options override
/// them. The same weights are built twice, with and without metadata, so that only the metadata differs.
/// </summary>
public sealed class PoseEstimatorMetadataTests : IDisposable
{
    private static readonly HourglassArchitecture Arch = new(1, 16, 16, 64, 64);
    private static readonly HourglassOptions SingleThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly HourglassWeights Weights = HourglassWeights.CreateRandom(Arch, seed: 11);
    // MPII's flip pairs (the flip test uses them) under other names.
    private static readonly JointLayout Renamed = new(
        "renamed", [.. Enumerable.Range(0, 16).Select(i => $"part_{i}")], JointLayout.Mpii16.FlipPairs, JointLayout.Mpii16.Skeleton);

    private readonly HourglassNetwork _plain = HourglassNetwork.Create(Arch, Weights, SingleThread);
    private readonly HourglassNetwork _bp = HourglassNetwork.Create(Arch, Weights, SingleThread,
        new ModelMetadata(InputNormalization.MeanSubtracted, Renamed, jointLayoutAssumed: false, "test"));
    private readonly RgbImage _image = PoseTestImages.Random(160, 120, seed: 21);
    private readonly PersonBox[] _boxes = [PersonBox.FromRectangle(10, 5, 40, 90), new PersonBox(100, 60, 0.45f)];

    public void Dispose()
    {
        _plain.Dispose();
        _bp.Dispose();
    }

    private static float[] Flat(IReadOnlyList<PoseResult> poses) => [.. poses.SelectMany(p => p.ToFlatArray())];

    [Fact]
    public void By_default_the_network_s_normalization_and_layout_are_used()
    {
        var estimator = new PoseEstimator(_bp);
        Assert.Equal(InputNormalization.MeanSubtracted, estimator.Normalization);
        Assert.Same(Renamed, estimator.Layout);

        var poses = estimator.Estimate(_image, _boxes);
        Assert.All(poses, p => Assert.Equal(Renamed.Names, p.Keypoints.Select(k => k.Name)));
        // The same numbers as the network without metadata told the normalization explicitly...
        var told = new PoseEstimator(_plain, new PoseEstimatorOptions { Normalization = InputNormalization.MeanSubtracted }).Estimate(_image, _boxes);
        Assert.Equal(Flat(told), Flat(poses));
        // ...and not those of pixel / 255, so the comparison above can fail.
        var pixelOver255 = new PoseEstimator(_plain).Estimate(_image, _boxes);
        Assert.NotEqual(Flat(pixelOver255), Flat(poses));
    }

    [Fact]
    public void Options_override_the_network_s_normalization_and_layout()
    {
        var estimator = new PoseEstimator(_bp, new PoseEstimatorOptions { Normalization = InputNormalization.Default, Layout = JointLayout.Mpii16 });
        Assert.Equal(InputNormalization.Default, estimator.Normalization);
        Assert.Same(JointLayout.Mpii16, estimator.Layout);

        var poses = estimator.Estimate(_image, _boxes);
        Assert.All(poses, p => Assert.Equal(JointLayout.Mpii16.Names, p.Keypoints.Select(k => k.Name)));
        Assert.Equal(Flat(new PoseEstimator(_plain).Estimate(_image, _boxes)), Flat(poses));
    }

    [Fact]
    public void A_network_without_metadata_gives_pixel_over_255_and_the_layout_for_its_joint_count()
    {
        var estimator = new PoseEstimator(_plain);
        Assert.Equal(InputNormalization.Default, estimator.Normalization);
        Assert.Same(JointLayout.Mpii16, estimator.Layout);
    }

    [Fact]
    public void An_override_layout_with_another_joint_count_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new PoseEstimator(_bp, new PoseEstimatorOptions { Layout = JointLayout.Coco17 }));
        Assert.Contains("coco17 has 17 joints but the network outputs 16", e.Message, StringComparison.Ordinal);
    }
}

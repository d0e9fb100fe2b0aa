namespace HourglassSimd.Pose;

/// <summary>Options of a <see cref="PoseEstimator"/>. Immutable; fixed when the estimator is created.</summary>
public sealed record PoseEstimatorOptions
{
    /// <summary>The defaults: flip test on, one scale (1), last stack, the network's joint layout and normalization, quarter-offset refinement, anti-aliasing on.</summary>
    public static PoseEstimatorOptions Default { get; } = new();

    /// <summary>
    /// Also run the horizontally mirrored crop and average its mirrored-back, left/right-swapped heatmaps with the
    /// unmirrored ones (hourglass-spec §3.1). Doubles the cost. Default on (matches the reference accuracy).
    /// </summary>
    public bool FlipTest { get; init; } = true;

    /// <summary>
    /// Multi-scale test: the zooms at which each person is cropped, all in the same batched <c>Run</c> call as the flip
    /// crops (see <see cref="MultiScaleTest"/>). Scale <c>s</c> magnifies the person <c>s</c> times: the crop covers a box
    /// of side <c>200·Scale / s</c> about the box centre, so above 1 zooms in and below 1 shows more context. With
    /// several scales, each crop's heatmaps (stacks combined, flip test averaged) are resampled bilinearly into the
    /// scale-1 crop's heatmap frame, averaged there and decoded in it. With one scale, its heatmaps are decoded in its
    /// own crop frame; the default, a single 1, is the plain single-crop estimate. 1 to <see cref="MultiScaleTest.MaxScales"/>
    /// distinct values in [<see cref="MultiScaleTest.MinScale"/>, <see cref="MultiScaleTest.MaxScale"/>]; each multiplies the
    /// cost. Copied when the estimator is created. Example: <c>[0.8f, 1f, 1.2f]</c>.
    /// </summary>
    public IReadOnlyList<float> Scales { get; init; } = [1f];

    /// <summary>Which stacks' heatmaps to decode (averaged when several). Default: the last.</summary>
    public StackSelection Stacks { get; init; } = StackSelection.Last;

    /// <summary>
    /// Joint layout, overriding the network's; its joint count must equal the network's. Null (default): the network's
    /// <see cref="HourglassNetwork.JointLayout"/> (from its model file; for a network created without metadata,
    /// <see cref="JointLayout.ForJointCount"/>: 16 → MPII, 17 → COCO, otherwise generic names without flip pairs). The
    /// flip test uses its flip pairs, so a layout with left/right joints but no pairs gives a wrong flip average.
    /// </summary>
    public JointLayout? Layout { get; init; }

    /// <summary>
    /// Byte → float input mapping, overriding the network's. Null (default): the network's
    /// <see cref="HourglassNetwork.Normalization"/> (from its model file; for a network created without metadata,
    /// <see cref="InputNormalization.Default"/>, pixel / 255).
    /// </summary>
    public InputNormalization? Normalization { get; init; }

    /// <summary>Sub-pixel refinement of heatmap peaks. Default the reference quarter offset.</summary>
    public PeakRefinement Refinement { get; init; } = PeakRefinement.QuarterOffset;

    /// <summary>Box-filter pre-shrink of large boxes before sampling (see <see cref="CropSampler"/>). Default on.</summary>
    public bool AntiAliasing { get; init; } = true;

    /// <summary>
    /// Network input size (height, width) the person crops are sampled at; both multiples of 64. Null (default): the
    /// model's own input size (<see cref="HourglassNetwork.Architecture"/>). The heatmaps are a quarter of it.
    /// </summary>
    public (int Height, int Width)? InputSize { get; init; }

    /// <summary>
    /// Most crops per <see cref="HourglassNetwork.Run(ReadOnlySpan{float}, Span{float})"/> call (a person is one crop per
    /// scale, two with the flip test: <see cref="PoseEstimator.CropsPerPerson"/>). Default unlimited: one call per <see cref="PoseEstimator.Estimate(RgbImage, IReadOnlyList{PersonBox}, CancellationToken)"/>.
    /// People are processed in chunks of this many crops (at least one person each), so lowering it bounds the input and
    /// heatmap buffers whatever the number of people; the results do not change.
    /// </summary>
    public int MaxBatchSize { get; init; } = int.MaxValue;
}

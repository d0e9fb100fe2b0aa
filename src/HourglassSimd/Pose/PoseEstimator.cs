using System.Numerics.Tensors;

namespace HourglassSimd.Pose;

/// <summary>
/// Top-down pose estimation with a <see cref="HourglassNetwork"/>: for each person box, crop and normalise
/// (<see cref="CropSampler"/>), run the network on all crops of the image at once (each person at each of the
/// <see cref="PoseEstimatorOptions.Scales"/>, and its mirrored crop when the flip test is on, in one batched <c>Run</c>
/// call), combine the selected stacks, average the flip test (<see cref="FlipTest"/>) and the scales
/// (<see cref="MultiScaleTest"/>) and decode (<see cref="HeatmapDecoder"/>) into image coordinates. Crops are normalised
/// and keypoints named with the network's own <see cref="HourglassNetwork.Normalization"/> and
/// <see cref="HourglassNetwork.JointLayout"/> (from its model file) unless the options override them.
/// </summary>
/// <remarks>
/// Input, heatmap and scratch buffers are kept and reused between calls (they grow to the largest chunk seen: at most
/// <see cref="PoseEstimatorOptions.MaxBatchSize"/> crops, or one person's), so an
/// estimator is <b>not</b> thread-safe: use one per thread. Several estimators may share one network, which is
/// thread-safe. The estimator does not own the network: dispose the network yourself.
/// <para>
/// Cancellation: a token passed to <c>Estimate</c> is checked before each chunk of people (at most
/// <see cref="PoseEstimatorOptions.MaxBatchSize"/> crops), and a cancelled token throws
/// <see cref="OperationCanceledException"/> with no partial result. A chunk in progress runs to its end: the network's
/// <c>Run</c> allocates nothing and is not cancellable, so the delay is one chunk's work. The estimator stays usable.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var net = HourglassNetwork.Load("hg2.hgw");
/// var estimator = new PoseEstimator(net); // the model's normalization and joint layout
/// IReadOnlyList&lt;PoseResult&gt; poses = estimator.Estimate(image, [PersonBox.FromRectangle(40, 30, 120, 300)]);
/// </code>
/// </example>
public sealed class PoseEstimator
{
    private readonly CropSampler _sampler;
    private readonly HourglassArchitecture _arch; // the network at the crops' input size
    private readonly int[] _stacks;
    private readonly float[] _scales;
    private float[] _input = [];
    private float[] _heatmaps = [];
    private readonly float[] _combined;
    private readonly float[] _combinedFlipped;
    private readonly float[] _perScale; // [scales, joints, h, w] before the scale average; empty with one scale

    /// <summary>Creates an estimator over <paramref name="network"/> (not owned).</summary>
    /// <exception cref="ArgumentException">The layout's joint count differs from the network's, a stack index does not exist,
    /// MaxBatchSize &lt; 1, or the scales break a rule of <see cref="MultiScaleTest.Validate"/>.</exception>
    public PoseEstimator(HourglassNetwork network, PoseEstimatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= PoseEstimatorOptions.Default;
        var arch = network.Architecture;
        if (options.InputSize is { } size)
        {
            if (!arch.AcceptsInputSide(size.Height) || !arch.AcceptsInputSide(size.Width))
                throw new ArgumentException(
                    $"InputSize {size.Height}x{size.Width} is not supported: both sides must be positive multiples of {arch.InputSideMultiple}, at most {HourglassArchitecture.MaxInputSide}.", nameof(options));
            arch = arch.WithInputSize(size.Height, size.Width);
        }
        var layout = options.Layout ?? network.JointLayout;
        if (layout.Count != arch.Joints)
            throw new ArgumentException(
                $"layout {layout.Name} has {layout.Count} joints but the network outputs {arch.Joints} heatmaps.", nameof(options));
        if (options.MaxBatchSize < 1)
            throw new ArgumentException($"MaxBatchSize is {options.MaxBatchSize}; it must be at least 1.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Stacks, "options.Stacks");
        _stacks = options.Stacks.Resolve(arch.Stacks);
        MultiScaleTest.Validate(options.Scales, nameof(options));
        _scales = [.. options.Scales];

        Network = network;
        Options = options;
        _arch = arch;
        Layout = layout;
        Normalization = options.Normalization ?? network.Normalization;
        _sampler = new CropSampler(options.AntiAliasing);
        int personHeatmaps = arch.Joints * arch.OutputHeight * arch.OutputWidth;
        _combined = new float[personHeatmaps];
        _combinedFlipped = new float[personHeatmaps];
        _perScale = _scales.Length > 1 ? new float[checked(_scales.Length * personHeatmaps)] : [];
    }

    /// <summary>The network (not owned).</summary>
    public HourglassNetwork Network { get; }

    /// <summary>The options.</summary>
    public PoseEstimatorOptions Options { get; }

    /// <summary>The joint layout of the results: <see cref="PoseEstimatorOptions.Layout"/>, or the network's when that is null.</summary>
    public JointLayout Layout { get; }

    /// <summary>
    /// How crop pixels become input values: <see cref="PoseEstimatorOptions.Normalization"/>, or the network's when that
    /// is null.
    /// </summary>
    public InputNormalization Normalization { get; }

    /// <summary>Crops per person: one per scale, twice that with the flip test.</summary>
    public int CropsPerPerson => _scales.Length * CropsPerScale;

    private int CropsPerScale => Options.FlipTest ? 2 : 1;

    /// <summary>The input size (height, width) the crops are sampled at: the options' or the model's.</summary>
    public (int Height, int Width) InputSize => (_arch.InputHeight, _arch.InputWidth);

    /// <summary>
    /// The crop transform of <paramref name="box"/> itself (scale 1) at <see cref="InputSize"/>: the frame the heatmaps
    /// are decoded in, except with a single scale other than 1 (then <see cref="TransformFor(PersonBox, float)"/> of it).
    /// </summary>
    public CropTransform TransformFor(PersonBox box) => CropTransform.For(box, _arch);

    /// <summary>
    /// The crop transform of <paramref name="box"/> at scale <paramref name="scale"/> (see <see cref="PoseEstimatorOptions.Scales"/>):
    /// the same centre and rotation, a box of scale <c>box.Scale / scale</c>. Scale 1 is <see cref="TransformFor(PersonBox)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not finite and positive, or the scaled box is not finite.</exception>
    public CropTransform TransformFor(PersonBox box, float scale)
    {
        if (!float.IsFinite(scale) || scale <= 0)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be finite and greater than 0.");
        return scale == 1 ? TransformFor(box) : TransformFor(new PersonBox(box.CenterX, box.CenterY, box.Scale / scale, box.RotationDegrees));
    }

    /// <summary>Estimates one pose per box, in box order.</summary>
    /// <param name="image">The image.</param>
    /// <param name="boxes">Person boxes; none gives an empty list without running the network.</param>
    /// <param name="cancellationToken">Checked before each chunk of people (see the remarks).</param>
    /// <exception cref="ArgumentException">A box is <c>default</c> (scale 0).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<PoseResult> Estimate(RgbImage image, IReadOnlyList<PersonBox> boxes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Estimate(image.Pixels, image.Width, image.Height, image.Stride, boxes, cancellationToken);
    }

    /// <summary>Estimates one person in <paramref name="box"/>, or in the whole image (<see cref="PersonBox.WholeImage"/>) when null.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public PoseResult Estimate(RgbImage image, PersonBox? box = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Estimate(image, [box ?? PersonBox.WholeImage(image.Width, image.Height)], cancellationToken)[0];
    }

    /// <summary>Estimates one pose per box, in box order, from interleaved RGB24 bytes.</summary>
    /// <param name="rgb">Pixels, rows <paramref name="stride"/> bytes apart, 3 bytes R, G, B per pixel.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="stride">Bytes from one row to the next.</param>
    /// <param name="boxes">Person boxes; none gives an empty list without running the network.</param>
    /// <param name="cancellationToken">Checked before each chunk of people (see the remarks).</param>
    /// <exception cref="ArgumentException">The image sizes do not fit the buffer, or a box is <c>default</c>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<PoseResult> Estimate(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<PersonBox> boxes,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        RgbImage.Validate(rgb.Length, width, height, stride);
        if (boxes.Count == 0)
            return [];

        for (int p = 0; p < boxes.Count; p++)
        {
            if (!(boxes[p].Scale > 0))
                throw new ArgumentException($"box {p} has scale 0 (default(PersonBox)); create boxes with a positive scale.", nameof(boxes));
        }

        // People go through in chunks of at most MaxBatchSize crops (at least one person), so the input and heatmap
        // buffers are bounded by the batch size, not by the number of people in the image.
        var poses = new PoseResult[boxes.Count];
        int peoplePerChunk = Math.Max(1, Options.MaxBatchSize / CropsPerPerson);
        for (int first = 0; first < boxes.Count; first += peoplePerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EstimateChunk(rgb, width, height, stride, boxes, first, Math.Min(peoplePerChunk, boxes.Count - first), poses);
        }
        return poses;
    }

    private void EstimateChunk(ReadOnlySpan<byte> rgb, int width, int height, int stride, IReadOnlyList<PersonBox> boxes,
        int first, int people, PoseResult[] poses)
    {
        var arch = _arch;
        int inSize = arch.InputSizePerImage, outSize = arch.OutputSizePerImage;
        int crops = checked(people * CropsPerPerson);
        if (_input.Length < (long)crops * inSize)
            _input = new float[checked(crops * inSize)];
        if (_heatmaps.Length < (long)crops * outSize)
            _heatmaps = new float[checked(crops * outSize)];

        // Crops of person p: for each scale k, crop p·CropsPerPerson + k·CropsPerScale, its mirror right after it.
        // transforms[p] is the frame p's heatmaps are decoded in: its one scale's crop, or the scale-1 crop.
        var transforms = new CropTransform[people];
        for (int p = 0; p < people; p++)
        {
            var box = boxes[first + p];
            for (int k = 0; k < _scales.Length; k++)
            {
                var transform = TransformFor(box, _scales[k]);
                int crop = p * CropsPerPerson + k * CropsPerScale;
                _sampler.Sample(rgb, width, height, stride, transform, Normalization, _input.AsSpan(crop * inSize, inSize));
                if (Options.FlipTest)
                    _sampler.Sample(rgb, width, height, stride, transform, Normalization, _input.AsSpan((crop + 1) * inSize, inSize), mirror: true);
                if (_scales.Length == 1)
                    transforms[p] = transform;
            }
            if (_scales.Length > 1)
                transforms[p] = TransformFor(box);
        }

        for (int start = 0; start < crops; start += Options.MaxBatchSize)
        {
            int count = Math.Min(Options.MaxBatchSize, crops - start);
            Network.Run(_input.AsSpan(start * inSize, count * inSize), arch.InputHeight, arch.InputWidth, _heatmaps.AsSpan(start * outSize, count * outSize));
        }

        int personHeatmaps = _combined.Length;
        for (int p = 0; p < people; p++)
        {
            int crop = p * CropsPerPerson;
            if (_scales.Length == 1)
            {
                CombineCrop(crop, _combined);
            }
            else
            {
                for (int k = 0; k < _scales.Length; k++)
                    CombineCrop(crop + k * CropsPerScale, _perScale.AsSpan(k * personHeatmaps, personHeatmaps));
                MultiScaleTest.Average(_perScale, arch.OutputWidth, arch.OutputHeight, _scales, _combined);
            }
            var pose = HeatmapDecoder.Decode(_combined, transforms[p], Layout, Options.Refinement);
            // A single zoomed scale decodes in its own crop frame; the result still names the box asked for.
            poses[first + p] = pose.Box == boxes[first + p] ? pose : new PoseResult(pose.Keypoints, boxes[first + p], Layout);
        }
    }

    // destination = crop `crop`'s heatmaps with the stacks combined and, with the flip test, averaged with the
    // mirrored crop that follows it.
    private void CombineCrop(int crop, Span<float> destination)
    {
        CombineStacks(crop, destination);
        if (Options.FlipTest)
        {
            CombineStacks(crop + 1, _combinedFlipped);
            FlipTest.Average(destination, _combinedFlipped, _arch.OutputWidth, _arch.OutputHeight, Layout.FlipPermutationSpan, destination);
        }
    }

    // destination = mean over the selected stacks of crop `crop`'s heatmaps [joints, h, w]: the stacks summed in
    // selection order, then scaled by 1 / count (the same two roundings per element as a scalar loop).
    private void CombineStacks(int crop, Span<float> destination)
    {
        int perStack = destination.Length;
        var all = _heatmaps.AsSpan(crop * _arch.OutputSizePerImage, _arch.OutputSizePerImage);
        ReadOnlySpan<float> sum = all.Slice(_stacks[0] * perStack, perStack);
        if (_stacks.Length == 1)
        {
            sum.CopyTo(destination);
            return;
        }
        for (int s = 1; s < _stacks.Length - 1; s++)
        {
            TensorPrimitives.Add(sum, all.Slice(_stacks[s] * perStack, perStack), destination);
            sum = destination;
        }
        TensorPrimitives.AddMultiply(sum, all.Slice(_stacks[^1] * perStack, perStack), 1f / _stacks.Length, destination);
    }
}

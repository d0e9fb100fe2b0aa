using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

/// <summary>The estimator end to end on small random-weight networks (1 or 2 stacks, 16 features, 64×64 input).</summary>
public sealed class PoseEstimatorTests : IDisposable
{
    private static readonly HourglassOptions SingleThread = new() { MaxDegreeOfParallelism = 1 };
    private readonly HourglassNetwork _net = HourglassNetwork.CreateRandom(new HourglassArchitecture(1, 16, 16, 64, 64), seed: 11, SingleThread);
    private readonly RgbImage _image = PoseTestImages.Random(160, 120, seed: 21);

    private static readonly PersonBox[] Boxes =
    [
        PersonBox.FromRectangle(10, 5, 40, 90),
        new PersonBox(100, 60, 0.45f),
        new PersonBox(130, 100, 0.3f, 20f),   // rotated, partly outside the image
    ];

    public void Dispose() => _net.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Returns_one_pose_per_box_with_keypoints_inside_the_box(bool flip)
    {
        var estimator = new PoseEstimator(_net, new PoseEstimatorOptions { FlipTest = flip });
        var poses = estimator.Estimate(_image, Boxes);
        Assert.Equal(Boxes.Length, poses.Count);
        for (int p = 0; p < Boxes.Length; p++)
        {
            Assert.Equal(Boxes[p], poses[p].Box);
            Assert.Equal(16, poses[p].Keypoints.Count);
            Assert.Equal(JointLayout.Mpii16.Names, poses[p].Keypoints.Select(k => k.Name));
            var transform = estimator.TransformFor(Boxes[p]);
            foreach (var k in poses[p].Keypoints)
            {
                // Inside the crop window, i.e. the (possibly rotated) box: checked in heatmap coordinates.
                var onMap = transform.ImageToHeatmap(new(k.X, k.Y));
                Assert.InRange(onMap.X, 0f, 16f);
                Assert.InRange(onMap.Y, 0f, 16f);
                Assert.True(float.IsFinite(k.Confidence));
            }
            Assert.Equal(poses[p].Keypoints.Average(k => k.Confidence), poses[p].Score, 5);
        }
        var straight = poses[1];
        Assert.All(straight.Keypoints, k => Assert.InRange(k.X, 100 - 45f, 100 + 45f));
        Assert.All(straight.Keypoints, k => Assert.InRange(k.Y, 60 - 45f, 60 + 45f));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batching_several_people_gives_the_same_poses_as_one_at_a_time(bool flip)
    {
        var options = new PoseEstimatorOptions { FlipTest = flip };
        var batched = new PoseEstimator(_net, options).Estimate(_image, Boxes);
        var alone = new PoseEstimator(_net, options);
        var oneByOne = new PoseEstimator(_net, options with { MaxBatchSize = 1 }).Estimate(_image, Boxes);
        for (int p = 0; p < Boxes.Length; p++)
        {
            var single = alone.Estimate(_image, [Boxes[p]]);
            Assert.Equal(single[0].Keypoints, batched[p].Keypoints);
            Assert.Equal(oneByOne[p].Keypoints, batched[p].Keypoints);
        }
    }

    /// <summary>
    /// InputSize crops at another size: the poses equal those of a network made at that size, and naming the model's
    /// own size changes nothing.
    /// </summary>
    [Fact]
    public void Input_size_option_crops_and_runs_at_that_size()
    {
        var arch = _net.Architecture;
        var weights = HourglassWeights.CreateRandom(arch, seed: 11);
        using var madeAtSize = HourglassNetwork.Create(arch.WithInputSize(128, 64), weights, SingleThread);
        var options = new PoseEstimatorOptions { FlipTest = true };
        var atSize = new PoseEstimator(_net, options with { InputSize = (128, 64) });
        Assert.Equal((128, 64), atSize.InputSize);
        Assert.Equal((64, 64), new PoseEstimator(_net, options).InputSize);

        var expected = new PoseEstimator(madeAtSize, options).Estimate(_image, Boxes);
        var actual = atSize.Estimate(_image, Boxes);
        for (int p = 0; p < Boxes.Length; p++)
            Assert.Equal(expected[p].Keypoints, actual[p].Keypoints);
        Assert.Equal(128, atSize.TransformFor(Boxes[0]).InputHeight);

        var same = new PoseEstimator(_net, options with { InputSize = (64, 64) }).Estimate(_image, Boxes);
        var plain = new PoseEstimator(_net, options).Estimate(_image, Boxes);
        for (int p = 0; p < Boxes.Length; p++)
            Assert.Equal(plain[p].Keypoints, same[p].Keypoints);

        var e = Assert.Throws<ArgumentException>(() => new PoseEstimator(_net, options with { InputSize = (100, 64) }));
        Assert.Contains("100x64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flip_test_averages_the_mirrored_crop_as_specified()
    {
        var box = Boxes[0];
        var transform = CropTransform.For(box, _net.Architecture);
        int inSize = _net.Architecture.InputSizePerImage, outSize = _net.Architecture.OutputSizePerImage;
        var input = new float[2 * inSize];
        var sampler = new CropSampler();
        sampler.Sample(_image, transform, InputNormalization.Default, input.AsSpan(0, inSize));
        sampler.Sample(_image, transform, InputNormalization.Default, input.AsSpan(inSize), mirror: true);
        var heatmaps = _net.Run(input);
        var averaged = new float[outSize];
        FlipTest.Average(heatmaps.AsSpan(0, outSize), heatmaps.AsSpan(outSize), 16, 16, JointLayout.Mpii16.FlipPermutationSpan, averaged);
        var expected = HeatmapDecoder.Decode(averaged, transform, JointLayout.Mpii16);

        var actual = new PoseEstimator(_net).Estimate(_image, box);
        Assert.Equal(expected.Keypoints, actual.Keypoints);
        // And the flip really changes something on a random network (no exact mirror symmetry).
        var noFlip = new PoseEstimator(_net, new PoseEstimatorOptions { FlipTest = false }).Estimate(_image, box);
        Assert.NotEqual(noFlip.Keypoints.Select(k => k.Confidence), actual.Keypoints.Select(k => k.Confidence));
    }

    [Fact]
    public void Stack_selection_averages_the_chosen_stacks()
    {
        using var net = HourglassNetwork.CreateRandom(new HourglassArchitecture(2, 16, 16, 64, 64), seed: 5, SingleThread);
        var box = Boxes[1];
        var (transform, heatmaps) = RunOneCrop(net, box);
        int perStack = 16 * 16 * 16;
        var mean = new float[perStack];
        for (int i = 0; i < perStack; i++)
            mean[i] = (heatmaps[i] + heatmaps[perStack + i]) * 0.5f;

        var noFlip = new PoseEstimatorOptions { FlipTest = false };
        var all = new PoseEstimator(net, noFlip with { Stacks = StackSelection.All }).Estimate(_image, box);
        Assert.Equal(HeatmapDecoder.Decode(mean, transform, JointLayout.Mpii16).Keypoints, all.Keypoints);
        var last = new PoseEstimator(net, noFlip).Estimate(_image, box);
        Assert.Equal(HeatmapDecoder.Decode(heatmaps.AsSpan(perStack), transform, JointLayout.Mpii16).Keypoints, last.Keypoints);
        var first = new PoseEstimator(net, noFlip with { Stacks = StackSelection.Of(0) }).Estimate(_image, box);
        Assert.Equal(HeatmapDecoder.Decode(heatmaps.AsSpan(0, perStack), transform, JointLayout.Mpii16).Keypoints, first.Keypoints);
    }

    /// <summary>Three selected stacks: summed in selection order, then scaled by 1/3, as a scalar loop would.</summary>
    [Fact]
    public void Stack_selection_of_three_stacks_sums_then_scales()
    {
        using var net = HourglassNetwork.CreateRandom(new HourglassArchitecture(3, 16, 16, 64, 64), seed: 6, SingleThread);
        var box = Boxes[0];
        var (transform, heatmaps) = RunOneCrop(net, box);
        int perStack = 16 * 16 * 16;
        var mean = new float[perStack];
        for (int i = 0; i < perStack; i++)
            mean[i] = (heatmaps[2 * perStack + i] + heatmaps[i] + heatmaps[perStack + i]) * (1f / 3);

        var options = new PoseEstimatorOptions { FlipTest = false, Stacks = StackSelection.Of(2, 0, 1) };
        var actual = new PoseEstimator(net, options).Estimate(_image, box);
        Assert.Equal(HeatmapDecoder.Decode(mean, transform, JointLayout.Mpii16).Keypoints, actual.Keypoints);
    }

    [Fact]
    public void Whole_image_fallback_and_empty_box_lists()
    {
        var estimator = new PoseEstimator(_net);
        var pose = estimator.Estimate(_image);
        Assert.Equal(PersonBox.WholeImage(160, 120), pose.Box);
        Assert.Empty(estimator.Estimate(_image, []));
    }

    [Fact]
    public void Bad_configuration_and_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new PoseEstimator(_net, new PoseEstimatorOptions { Layout = JointLayout.Coco17 }));
        Assert.Throws<ArgumentException>(() => new PoseEstimator(_net, new PoseEstimatorOptions { MaxBatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoseEstimator(_net, new PoseEstimatorOptions { Stacks = StackSelection.Of(1) }));
        var estimator = new PoseEstimator(_net);
        Assert.Equal("boxes", Assert.Throws<ArgumentException>(() => estimator.Estimate(_image, [default(PersonBox)])).ParamName);
        Assert.Throws<ArgumentException>(() => estimator.Estimate(new byte[10], 4, 4, 12, Boxes));
    }

    /// <summary>
    /// Hundreds of people in one image go through in chunks of MaxBatchSize crops: the same poses as one big batch, and
    /// memory bounded by the chunk (100,000 boxes once took 6 GB).
    /// </summary>
    [Fact]
    public void Many_people_are_processed_in_bounded_chunks()
    {
        var boxes = Enumerable.Range(0, 300).Select(i => new PersonBox(20 + i % 120, 20 + i % 80, 0.2f + i % 7 * 0.05f)).ToArray();
        var unlimited = new PoseEstimator(_net).Estimate(_image, boxes);
        var chunked = new PoseEstimator(_net, new PoseEstimatorOptions { MaxBatchSize = 8 });
        chunked.Estimate(_image, boxes.Take(8).ToArray()); // warm: buffers of one chunk

        long before = GC.GetAllocatedBytesForCurrentThread();
        var poses = chunked.Estimate(_image, boxes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        for (int p = 0; p < boxes.Length; p++)
            Assert.Equal(unlimited[p].Keypoints, poses[p].Keypoints);
        // One unchunked input buffer alone would be 600 crops x 3 x 64 x 64 floats = 29 MiB; the results themselves are small.
        Assert.True(allocated < 4L << 20, $"{allocated:N0} bytes allocated for 300 people in chunks of 8 crops");
    }

    /// <summary>
    /// Scales = [1] is the single-crop estimate, bit for bit: the same keypoints as the default options and as the path
    /// written out here (crop, mirrored crop, one Run, flip average, decode in the box's frame), flip test on or off.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_scale_of_one_gives_bitwise_the_single_crop_result(bool flip)
    {
        var options = new PoseEstimatorOptions { FlipTest = flip };
        var one = new PoseEstimator(_net, options with { Scales = [1f] });
        Assert.Equal(flip ? 2 : 1, one.CropsPerPerson);
        var poses = one.Estimate(_image, Boxes);
        var defaults = new PoseEstimator(_net, options).Estimate(_image, Boxes);
        for (int p = 0; p < Boxes.Length; p++)
        {
            Assert.Equal(defaults[p].Keypoints, poses[p].Keypoints);
            Assert.Equal(SingleCropByHand(Boxes[p], Boxes[p], flip).Keypoints, poses[p].Keypoints);
        }
    }

    /// <summary>One scale other than 1 crops box / scale and decodes in that crop's own frame.</summary>
    [Fact]
    public void One_other_scale_is_the_single_crop_estimate_of_the_zoomed_box()
    {
        var box = Boxes[2];
        var zoomed = new PersonBox(box.CenterX, box.CenterY, box.Scale / 1.25f, box.RotationDegrees);
        var pose = new PoseEstimator(_net, new PoseEstimatorOptions { Scales = [1.25f] }).Estimate(_image, box);
        Assert.Equal(box, pose.Box);
        Assert.Equal(SingleCropByHand(box, zoomed, flip: true).Keypoints, pose.Keypoints);
    }

    /// <summary>
    /// Several scales: each person's crops (scale by scale, each followed by its mirror) go through the network in one
    /// batch; each scale's flip-averaged heatmaps are averaged in the scale-1 frame and decoded there.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Several_scales_average_their_heatmaps_in_the_box_frame(bool flip)
    {
        float[] scales = [0.8f, 1f, 1.2f];
        var estimator = new PoseEstimator(_net, new PoseEstimatorOptions { FlipTest = flip, Scales = scales });
        Assert.Equal(scales.Length * (flip ? 2 : 1), estimator.CropsPerPerson);
        var poses = estimator.Estimate(_image, Boxes);

        var arch = _net.Architecture;
        int inSize = arch.InputSizePerImage, outSize = arch.OutputSizePerImage, crops = estimator.CropsPerPerson;
        var sampler = new CropSampler();
        for (int p = 0; p < Boxes.Length; p++)
        {
            var input = new float[crops * inSize];
            for (int k = 0; k < scales.Length; k++)
            {
                var box = Boxes[p];
                var zoomed = CropTransform.For(new PersonBox(box.CenterX, box.CenterY, box.Scale / scales[k], box.RotationDegrees), arch);
                Assert.Equal(zoomed.ImageToInput(new(3, 4)), estimator.TransformFor(box, scales[k]).ImageToInput(new(3, 4)));
                int crop = flip ? 2 * k : k;
                sampler.Sample(_image, zoomed, InputNormalization.Default, input.AsSpan(crop * inSize, inSize));
                if (flip)
                    sampler.Sample(_image, zoomed, InputNormalization.Default, input.AsSpan((crop + 1) * inSize, inSize), mirror: true);
            }
            var heatmaps = _net.Run(input);
            var perScale = new float[scales.Length * outSize];
            for (int k = 0; k < scales.Length; k++)
            {
                var target = perScale.AsSpan(k * outSize, outSize);
                if (flip)
                    FlipTest.Average(heatmaps.AsSpan(2 * k * outSize, outSize), heatmaps.AsSpan((2 * k + 1) * outSize, outSize), 16, 16, JointLayout.Mpii16.FlipPermutationSpan, target);
                else
                    heatmaps.AsSpan(k * outSize, outSize).CopyTo(target);
            }
            var averaged = new float[outSize];
            MultiScaleTest.Average(perScale, 16, 16, scales, averaged);
            var expected = HeatmapDecoder.Decode(averaged, estimator.TransformFor(Boxes[p]), JointLayout.Mpii16);
            Assert.Equal(expected.Keypoints, poses[p].Keypoints);
        }
        // And the scales really change the result on a random network.
        var single = new PoseEstimator(_net, new PoseEstimatorOptions { FlipTest = flip }).Estimate(_image, Boxes);
        Assert.NotEqual(single[0].Keypoints.Select(k => k.Confidence), poses[0].Keypoints.Select(k => k.Confidence));
    }

    /// <summary>A person's scale crops may be split across Run calls (MaxBatchSize 1 or 5 of 6 crops): the same poses.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Several_scales_give_the_same_poses_in_any_batch_size(int maxBatchSize)
    {
        var options = new PoseEstimatorOptions { Scales = [1.2f, 0.9f, 1f] };
        var batched = new PoseEstimator(_net, options).Estimate(_image, Boxes);
        var chunked = new PoseEstimator(_net, options with { MaxBatchSize = maxBatchSize }).Estimate(_image, Boxes);
        for (int p = 0; p < Boxes.Length; p++)
            Assert.Equal(batched[p].Keypoints, chunked[p].Keypoints);
    }

    [Fact]
    public void Bad_scales_are_rejected_when_the_estimator_is_created()
    {
        foreach (float[] bad in new[] { [], [0f], [0.1f], [5f], [float.NaN], [1f, 1f], new float[9] })
        {
            var e = Assert.Throws<ArgumentException>(() => new PoseEstimator(_net, new PoseEstimatorOptions { Scales = bad }));
            Assert.Equal("options", e.ParamName);
        }
        Assert.Throws<ArgumentNullException>(() => new PoseEstimator(_net, new PoseEstimatorOptions { Scales = null! }));
        // The options' list is copied: changing it afterwards changes nothing.
        var scales = new List<float> { 1f };
        var estimator = new PoseEstimator(_net, new PoseEstimatorOptions { Scales = scales });
        var before = estimator.Estimate(_image, Boxes[0]);
        scales[0] = 1.5f;
        Assert.Equal(before.Keypoints, estimator.Estimate(_image, Boxes[0]).Keypoints);
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.TransformFor(Boxes[0], 0f));
    }

    /// <summary>
    /// One person by hand: the crop of <paramref name="cropBox"/> (and its mirror), one Run, the flip average, decoded in
    /// that crop's frame, reported for <paramref name="box"/>.
    /// </summary>
    private PoseResult SingleCropByHand(PersonBox box, PersonBox cropBox, bool flip)
    {
        var transform = CropTransform.For(cropBox, _net.Architecture);
        int inSize = _net.Architecture.InputSizePerImage, outSize = _net.Architecture.OutputSizePerImage;
        var input = new float[(flip ? 2 : 1) * inSize];
        var sampler = new CropSampler();
        sampler.Sample(_image, transform, InputNormalization.Default, input.AsSpan(0, inSize));
        if (flip)
            sampler.Sample(_image, transform, InputNormalization.Default, input.AsSpan(inSize), mirror: true);
        var heatmaps = _net.Run(input);
        var combined = heatmaps.AsSpan(0, outSize).ToArray();
        if (flip)
            FlipTest.Average(combined, heatmaps.AsSpan(outSize), 16, 16, JointLayout.Mpii16.FlipPermutationSpan, combined);
        var decoded = HeatmapDecoder.Decode(combined, transform, JointLayout.Mpii16);
        return new PoseResult(decoded.Keypoints, box, JointLayout.Mpii16);
    }

    /// <summary>The box's crop of the test image (pixel / 255, no flip) and the network's heatmaps for it, all stacks.</summary>
    private (CropTransform Transform, float[] Heatmaps) RunOneCrop(HourglassNetwork net, PersonBox box)
    {
        var transform = CropTransform.For(box, net.Architecture);
        var input = new float[net.Architecture.InputSizePerImage];
        new CropSampler().Sample(_image, transform, InputNormalization.Default, input);
        return (transform, net.Run(input));
    }
}

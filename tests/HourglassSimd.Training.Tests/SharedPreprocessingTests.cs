using System.Globalization;
using System.Text;
using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Training.Tests;

/// <summary>
/// Training and inference share one pre-processing: a training sample's input is bit for bit the crop the engine's
/// <see cref="PoseEstimator"/> samples for the same box, and its targets decode (engine decoder) back to the joints.
/// </summary>
public sealed class SharedPreprocessingTests(TinyPoseDataset data) : IClassFixture<TinyPoseDataset>
{
    private const int Width = 160;
    private const int Height = 120;
    private static readonly int Joints = JointLayout.Mpii16.Count;

    // Raw MPII (objpos, scale_provided) per record; the MPII adjustment makes the boxes 100, 300 and 120 px.
    private static readonly (float X, float Y, float Scale)[] People = [(80, 55, 0.4f), (90, 50, 1.2f), (70, 65, 0.48f)];

    private readonly Lazy<(string Images, string Annotations, RgbImage Image)> files = new(() => WriteData(data));

    /// <summary>Record and input size: no pre-shrink (100 px box at 64), pre-shrink by 4 (300 px at 64), upsampling (256).</summary>
    public static TheoryData<int, int> Crops => new() { { 0, 64 }, { 1, 64 }, { 2, 256 }, { 1, 256 } };

    [Theory]
    [MemberData(nameof(Crops))]
    public void UnaugmentedInput_EqualsThePoseEstimatorCrop_BitForBit(int record, int inputSize)
    {
        (MpiiAnnotation annotation, SampleBuilder builder) = Setup(record, inputSize);
        float[] training = TrainingBatch.Build(builder, [annotation], [Augmentation.Identity]).Inputs;

        using HourglassNetwork network = TinyNetwork(inputSize);
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions { FlipTest = false });
        Assert.Equal(estimator.Normalization, SampleBuilder.Normalization); // pixel / 255 on both sides
        var engine = new float[training.Length];
        CropTransform transform = estimator.TransformFor(annotation.Box);
        new CropSampler(estimator.Options.AntiAliasing).Sample(files.Value.Image, transform, estimator.Normalization, engine);

        Assert.Equal(Bits(engine), Bits(training));
        if (record == 1 && inputSize == 64)
        {
            Assert.Equal(4, new CropSampler().PreShrinkFactor(transform)); // the anti-aliased path is covered too
        }

        // And the estimator itself ran on that input: its keypoints are those of the network run on the training tensor.
        PoseResult viaEstimator = estimator.Estimate(files.Value.Image, annotation.Box);
        float[] heatmaps = network.Run(training, inputSize, inputSize);
        PoseResult viaTraining = HeatmapDecoder.Decode(heatmaps, transform, JointLayout.Mpii16);
        Assert.Equal(viaEstimator.Keypoints, viaTraining.Keypoints);
    }

    [Theory]
    [InlineData(0, 64, 0f, 1f)]
    [InlineData(2, 256, 0f, 1f)]
    [InlineData(0, 64, 15f, 1.1f)]
    [InlineData(1, 128, -25f, 0.9f)]
    public void TargetPeaks_DecodeBackToTheJoints(int record, int inputSize, float rotation, float scale)
    {
        (MpiiAnnotation annotation, SampleBuilder builder) = Setup(record, inputSize);
        var augmentation = new Augmentation(rotation, scale, Flip: false);
        var input = new float[builder.InputLength];
        var target = new float[builder.TargetLength];
        builder.Build(annotation, augmentation, input, target);

        // The engine's decoder, with the transform of the (augmented) box the sample was cropped from.
        CropTransform transform = builder.TransformFor(augmentation.ApplyTo(annotation.Box));
        PoseResult decoded = HeatmapDecoder.Decode(target, transform, JointLayout.Mpii16);
        AssertDecodesToJoints(annotation, transform, decoded);
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(1, 64)]
    [InlineData(2, 256)]
    public void FlippedSample_IsTheSamplersMirror_AndSwapsLeftAndRightTargets(int record, int inputSize)
    {
        (MpiiAnnotation annotation, SampleBuilder builder) = Setup(record, inputSize);
        var flip = new Augmentation(0, 1, Flip: true);
        TrainingBatch plain = TrainingBatch.Build(builder, [annotation], [Augmentation.Identity]);
        TrainingBatch flipped = TrainingBatch.Build(builder, [annotation], [flip]);

        // The input is exactly the sampler's mirror output (what the flip test of PoseEstimator feeds the network).
        CropTransform transform = builder.TransformFor(annotation.Box);
        var mirror = new float[builder.InputLength];
        new CropSampler().Sample(files.Value.Image, transform, InputNormalization.Default, mirror, mirror: true);
        Assert.Equal(Bits(mirror), Bits(flipped.Inputs));

        // Left and right swap per JointLayout.Mpii16: channel FlipPermutation[k] of the flipped target is channel k's map mirrored.
        int size = builder.OutputSize, plane = size * size;
        JointLayout layout = JointLayout.Mpii16;
        Assert.Equal(layout.FlipPermutation, builder.FlipLayout!.FlipPermutation);
        foreach (JointPair pair in layout.FlipPairs)
        {
            Assert.Equal(pair.Second, layout.FlipPermutation[pair.First]);
        }

        for (int k = 0; k < Joints; k++)
        {
            int swapped = layout.FlipPermutation[k];
            for (int i = 0; i < size; i++)
            {
                for (int j = 0; j < size; j++)
                {
                    Assert.Equal(plain.Targets[k * plane + i * size + size - 1 - j], flipped.Targets[swapped * plane + i * size + j], 1e-5f);
                }
            }
        }

        // The engine's flip-test un-mirroring turns the flipped targets back into the joints' own heatmaps.
        var back = new float[builder.TargetLength];
        FlipTest.MirrorBack(flipped.Targets, size, size, layout.FlipPermutationSpan, back);
        AssertDecodesToJoints(annotation, transform, HeatmapDecoder.Decode(back, transform, layout));

        // Concretely: the flipped sample's left-ankle channel peaks at the mirrored right ankle.
        transform.ImageToInput(annotation.Joints[0].X, annotation.Joints[0].Y, out double u, out double v);
        int leftAnkle = layout.IndexOf("left_ankle");
        HeatmapPeak peak = HeatmapDecoder.FindPeak(flipped.Targets.AsSpan(leftAnkle * plane, plane), size, size, PeakRefinement.None);
        Assert.Equal((int)Math.Floor(size - u / transform.OutputStride), peak.ArgmaxX);
        Assert.Equal((int)Math.Floor(v / transform.OutputStride), peak.ArgmaxY);
    }

    // Each annotated joint decodes within the quarter-pixel refinement's error (0.25 heatmap px per axis) of its position.
    private static void AssertDecodesToJoints(MpiiAnnotation annotation, CropTransform transform, PoseResult decoded)
    {
        double tolerance = Math.Sqrt(2) * 0.25 * transform.OutputStride * transform.ImagePixelsPerInputPixel + 1e-3;
        for (int k = 0; k < Joints; k++)
        {
            AnnotatedJoint joint = annotation.Joints[k];
            Keypoint keypoint = decoded.Keypoints[k];
            if (!joint.IsAnnotated)
            {
                Assert.Equal(0f, keypoint.Confidence);
                continue;
            }

            double error = Math.Sqrt(Math.Pow(keypoint.X - joint.X, 2) + Math.Pow(keypoint.Y - joint.Y, 2));
            Assert.True(error <= tolerance, $"joint {k}: decoded ({keypoint.X}, {keypoint.Y}) is {error:0.###} px from ({joint.X}, {joint.Y}); tolerance {tolerance:0.###}");
            Assert.InRange(keypoint.Confidence, 0.5f, 1f);
        }
    }

    private (MpiiAnnotation Annotation, SampleBuilder Builder) Setup(int record, int inputSize)
    {
        IReadOnlyList<MpiiAnnotation> all = TrainingAnnotations.Load(files.Value.Annotations, Joints, BoxAdjustment.Mpii);
        return (all[record], new SampleBuilder(files.Value.Images, inputSize, Joints, sigma: 1));
    }

    private static HourglassNetwork TinyNetwork(int inputSize) =>
        HourglassNetwork.CreateRandom(new HourglassArchitecture(1, 16, Joints, inputSize, inputSize), seed: 3);

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    // A textured 160×120 PNG (gradients plus noise, so every sampling detail shows) and three records on it.
    private static (string Images, string Annotations, RgbImage Image) WriteData(TinyPoseDataset data)
    {
        string folder = data.NewFolder("shared");
        var random = new Random(77);
        var image = new RgbImage(Width, Height);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                image.SetPixel(x, y, (byte)(x * 255 / Width), (byte)random.Next(256), (byte)((x + y) % 64 * 4));
            }
        }

        ImageSaver.Save(image, Path.Combine(folder, "scene.png"));

        var json = new StringBuilder("[\n");
        for (int n = 0; n < People.Length; n++)
        {
            // Joints well inside every crop (at least a heatmap pixel from its border, rotations included).
            var joints = new string[Joints];
            for (int k = 0; k < Joints; k++)
            {
                joints[k] = k == 7 && n == 0
                    ? "[0, 0, 0]" // thorax missing, written the MPII way
                    : Invariant($"[{50 + random.NextDouble() * 60:0.###}, {35 + random.NextDouble() * 55:0.###}, 1]");
            }

            json.Append(Invariant($"  {{\"img_paths\": \"scene.png\", \"objpos\": [{People[n].X}, {People[n].Y}], \"scale_provided\": {People[n].Scale}, "));
            json.Append(Invariant($"\"joint_self\": [{string.Join(", ", joints)}]}}{(n + 1 < People.Length ? "," : "")}\n"));
        }

        json.Append(']');
        string annotations = Path.Combine(folder, "scene.json");
        File.WriteAllText(annotations, json.ToString());
        return (folder, annotations, image);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

namespace HourglassSimd.Training.Tests;

public sealed class SampleBuilderTests(TinyPoseDataset data) : IClassFixture<TinyPoseDataset>
{
    private const int InputSize = 64;
    private const int OutputSize = 16;

    private PoseAnnotation FirstRecord() =>
        MpiiJsonAnnotations.Load(data.AnnotationsPath, MpiiJoints.Count, BoxAdjustment.Mpii)[0];

    [Fact]
    public void Annotations_AreReadAndAdjustedTheMpiiWay()
    {
        IReadOnlyList<PoseAnnotation> all = MpiiJsonAnnotations.Load(data.AnnotationsPath, MpiiJoints.Count, BoxAdjustment.Mpii);
        Assert.Equal(TinyPoseDataset.TrainCount + TinyPoseDataset.ValidationCount, all.Count);
        Assert.Equal(TinyPoseDataset.ValidationCount, all.Count(a => a.IsValidation));
        PoseAnnotation first = all[0];
        Assert.Equal(TinyPoseDataset.Width / 2f, first.CenterX);
        Assert.Equal(TinyPoseDataset.Height / 2f, first.CenterY, 4);
        Assert.Equal(TinyPoseDataset.RawScale * 1.25f, first.Scale, 6);
        Assert.False(first.Joints[9].IsAnnotated);
        Assert.True(first.Joints[0].IsAnnotated);
    }

    [Fact]
    public void Target_PeaksAtTheJoint_AndInputIsRgbOver255()
    {
        PoseAnnotation record = FirstRecord();
        var builder = new SampleBuilder(data.ImagesFolder, InputSize, MpiiJoints.Count, sigma: 1);
        var input = new float[builder.InputLength];
        var target = new float[builder.TargetLength];
        builder.Build(record, Augmentation.Identity, input, target);

        Assert.All(input, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(input, v => v > 0.4f); // the bright joint dots survive the crop

        // Box side 80 px → input 64 → heatmap 16: a joint at image x maps to (x − cx)·0.8/4 + 8 heatmap pixels.
        int plane = OutputSize * OutputSize;
        for (int k = 0; k < MpiiJoints.Count; k++)
        {
            float[] map = target.AsSpan(k * plane, plane).ToArray();
            JointAnnotation joint = record.Joints[k];
            if (!joint.IsAnnotated)
            {
                Assert.All(map, v => Assert.Equal(0f, v));
                continue;
            }

            double px = (joint.X - record.CenterX) * 0.8 / 4 + OutputSize / 2.0;
            double py = (joint.Y - record.CenterY) * 0.8 / 4 + OutputSize / 2.0;
            int argmax = Array.IndexOf(map, map.Max());

            // The peak pixel's centre is within half a pixel of the joint (a joint on a pixel border ties two pixels).
            Assert.InRange(argmax % OutputSize + 0.5 - px, -0.5 - 1e-4, 0.5 + 1e-4);
            Assert.InRange(argmax / OutputSize + 0.5 - py, -0.5 - 1e-4, 0.5 + 1e-4);
        }
    }

    [Fact]
    public void Flip_MirrorsTheInput_AndSwapsLeftAndRightTargets()
    {
        PoseAnnotation record = FirstRecord();
        var builder = new SampleBuilder(data.ImagesFolder, InputSize, MpiiJoints.Count, sigma: 1);
        var input = new float[builder.InputLength];
        var target = new float[builder.TargetLength];
        var flippedInput = new float[builder.InputLength];
        var flippedTarget = new float[builder.TargetLength];
        builder.Build(record, Augmentation.Identity, input, target);
        builder.Build(record, new Augmentation(0, 1, Flip: true), flippedInput, flippedTarget);

        // Pixel (i, j) of the flipped crop samples exactly the point that pixel (i, 63 − j) samples unflipped.
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < InputSize; i++)
            {
                for (int j = 0; j < InputSize; j++)
                {
                    int at = (c * InputSize + i) * InputSize;
                    Assert.Equal(input[at + InputSize - 1 - j], flippedInput[at + j], 1e-5f);
                }
            }
        }

        int plane = OutputSize * OutputSize;
        int[] permutation = MpiiJoints.FlipPermutation(MpiiJoints.Count)!;
        Assert.Equal(5, permutation[0]);
        Assert.Equal(13, permutation[12]);
        for (int k = 0; k < MpiiJoints.Count; k++)
        {
            int swapped = permutation[k];
            for (int i = 0; i < OutputSize; i++)
            {
                for (int j = 0; j < OutputSize; j++)
                {
                    Assert.Equal(
                        target[k * plane + i * OutputSize + OutputSize - 1 - j],
                        flippedTarget[swapped * plane + i * OutputSize + j],
                        1e-5f);
                }
            }
        }
    }
}

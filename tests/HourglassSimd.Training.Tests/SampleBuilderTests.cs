using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Training.Tests;

public sealed class SampleBuilderTests(TinyPoseDataset data) : IClassFixture<TinyPoseDataset>
{
    private const int InputSize = 64;
    private const int OutputSize = 16;
    private static readonly int Joints = JointLayout.Mpii16.Count;

    private MpiiAnnotation FirstRecord() => TrainingAnnotations.Load(data.AnnotationsPath, Joints, BoxAdjustment.Mpii)[0];

    [Fact]
    public void Annotations_AreReadAndAdjustedTheMpiiWay()
    {
        IReadOnlyList<MpiiAnnotation> all = TrainingAnnotations.Load(data.AnnotationsPath, Joints, BoxAdjustment.Mpii);
        Assert.Equal(TinyPoseDataset.TrainCount + TinyPoseDataset.ValidationCount, all.Count);
        Assert.Equal(TinyPoseDataset.ValidationCount, all.Count(a => a.IsValidation));
        MpiiAnnotation first = all[0];
        Assert.Equal(TinyPoseDataset.Width / 2f, first.Box.CenterX);
        Assert.Equal(TinyPoseDataset.Height / 2f, first.Box.CenterY, 4);
        Assert.Equal(TinyPoseDataset.RawScale * 1.25f, first.Box.Scale, 6);
        Assert.Equal(80f, first.Box.Size, 3); // 200 · 0.32 · 1.25 px
        Assert.Equal(0f, first.Box.RotationDegrees);
        Assert.False(first.Joints[9].IsAnnotated);
        Assert.True(first.Joints[0].IsAnnotated);
    }

    [Fact]
    public void BoxAdjustNone_UsesTheRawCentreAndScale()
    {
        MpiiAnnotation raw = TrainingAnnotations.Load(data.AnnotationsPath, Joints, BoxAdjustment.None)[0];
        Assert.Equal(raw.ObjectPositionY, raw.Box.CenterY);
        Assert.Equal(TinyPoseDataset.RawScale, raw.Box.Scale, 6);
    }

    [Fact]
    public void Target_PeaksAtTheJoint_AndInputIsRgbOver255()
    {
        MpiiAnnotation record = FirstRecord();
        var builder = new SampleBuilder(data.ImagesFolder, InputSize, Joints, sigma: 1);
        var input = new float[builder.InputLength];
        var target = new float[builder.TargetLength];
        builder.Build(record, Augmentation.Identity, input, target);

        // pixel / 255 as the engine computes it (CropSampler: no clamp, so a bilinear blend of 255s may be 1 + an ulp or two).
        Assert.All(input, v => Assert.InRange(v, 0f, 1f + 1e-6f));
        Assert.Contains(input, v => v > 0.4f); // the bright joint dots survive the crop

        // Box side 80 px → input 64 → heatmap 16: a joint at image x maps to (x − cx)·0.8/4 + 8 heatmap pixels.
        int plane = OutputSize * OutputSize;
        for (int k = 0; k < Joints; k++)
        {
            float[] map = target.AsSpan(k * plane, plane).ToArray();
            AnnotatedJoint joint = record.Joints[k];
            if (!joint.IsAnnotated)
            {
                Assert.All(map, v => Assert.Equal(0f, v));
                continue;
            }

            double px = (joint.X - record.Box.CenterX) * 0.8 / 4 + OutputSize / 2.0;
            double py = (joint.Y - record.Box.CenterY) * 0.8 / 4 + OutputSize / 2.0;
            int argmax = Array.IndexOf(map, map.Max());

            // The peak pixel's centre is within half a pixel of the joint (a joint on a pixel border ties two pixels).
            Assert.InRange(argmax % OutputSize + 0.5 - px, -0.5 - 1e-4, 0.5 + 1e-4);
            Assert.InRange(argmax / OutputSize + 0.5 - py, -0.5 - 1e-4, 0.5 + 1e-4);
        }
    }

    [Fact]
    public void Flip_MirrorsTheInput_AndSwapsLeftAndRightTargets()
    {
        MpiiAnnotation record = FirstRecord();
        var builder = new SampleBuilder(data.ImagesFolder, InputSize, Joints, sigma: 1);
        Assert.True(builder.CanFlip);
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
        IReadOnlyList<int> permutation = JointLayout.Mpii16.FlipPermutation;
        Assert.Equal(5, permutation[0]);
        Assert.Equal(13, permutation[12]);
        for (int k = 0; k < Joints; k++)
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

    [Fact]
    public void OtherJointCounts_CannotFlip_AndAFlipDrawIsIgnored()
    {
        var builder = new SampleBuilder(data.ImagesFolder, InputSize, joints: 3, sigma: 1);
        Assert.False(builder.CanFlip);
        var image = new RgbImage(40, 30);
        image.SetPixel(5, 7, 200, 100, 50);
        AnnotatedJoint[] joints = [new(5.5f, 7.5f, true), new(30, 20, true), AnnotatedJoint.Missing];
        var box = new PersonBox(20, 15, 0.2f);
        var plain = (Input: new float[builder.InputLength], Target: new float[builder.TargetLength]);
        var flipped = (Input: new float[builder.InputLength], Target: new float[builder.TargetLength]);
        builder.Build(image, box, joints, Augmentation.Identity, plain.Input, plain.Target);
        builder.Build(image, box, joints, new Augmentation(0, 1, Flip: true), flipped.Input, flipped.Target);
        Assert.Equal(plain.Input, flipped.Input);
        Assert.Equal(plain.Target, flipped.Target);
    }

    [Fact]
    public void UndecodableImage_IsAOneLineTrainingError()
    {
        string folder = data.NewFolder("bad-images");
        File.WriteAllText(Path.Combine(folder, "person0.png"), "not a png");
        var builder = new SampleBuilder(folder, InputSize, Joints, sigma: 1);
        var e = Assert.Throws<TrainingException>(() => builder.LoadImage(FirstRecord()));
        Assert.StartsWith($"cannot decode image '{Path.Combine(folder, "person0.png")}': ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ImageOverTheLoaderLimits_IsRefusedBeforeDecoding()
    {
        // The builder decodes through HourglassSimd.Imaging.ImageLoader, so its limits apply (here a tiny pixel budget).
        var builder = new SampleBuilder(
            data.ImagesFolder, InputSize, Joints, sigma: 1, new ImageLoader(new ImageLoadLimits { MaxPixels = 100 }));
        var e = Assert.Throws<TrainingException>(() => builder.LoadImage(FirstRecord()));
        Assert.Contains("MaxPixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingImage_SaysItDoesNotExist()
    {
        var builder = new SampleBuilder(data.NewFolder("empty"), InputSize, Joints, sigma: 1);
        MpiiAnnotation record = FirstRecord();
        var e = Assert.Throws<TrainingException>(() => builder.LoadImage(record));
        Assert.Equal($"image '{builder.ImagePath(record)}' does not exist", e.Message);
    }
}

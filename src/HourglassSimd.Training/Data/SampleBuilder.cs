using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training;

/// <summary>Turns one annotation plus an augmentation draw into a network input and its heatmap targets.</summary>
/// <remarks>Thread-safe: each call decodes its own image, so batches are built with one call per worker.</remarks>
public sealed class SampleBuilder
{
    private const float BoxUnit = 200f; // MPII scale unit: box side = 200·s pixels (spec §2.1).

    private readonly string imageFolder;
    private readonly int[]? flipPermutation;

    public SampleBuilder(string imageFolder, int inputSize, int joints, float sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(joints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        this.imageFolder = imageFolder;
        InputSize = inputSize;
        OutputSize = PoseNetArchitecture.OutputSize(inputSize);
        Joints = joints;
        Sigma = sigma;
        flipPermutation = MpiiJoints.FlipPermutation(joints);
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int Joints { get; }

    public float Sigma { get; }

    /// <summary>Whether flip augmentation is possible (only with a known left/right pairing, i.e. MPII's 16 joints).</summary>
    public bool CanFlip => flipPermutation is not null;

    public int InputLength => 3 * InputSize * InputSize;

    public int TargetLength => Joints * OutputSize * OutputSize;

    public string ImagePath(PoseAnnotation annotation) => Path.Combine(imageFolder, annotation.ImageFile);

    /// <summary>Writes CHW input (RGB, pixel/255) and J × out × out Gaussian targets.</summary>
    public void Build(PoseAnnotation annotation, Augmentation augmentation, Span<float> input, Span<float> target)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        bool flip = augmentation.Flip && CanFlip;
        float boxSide = BoxUnit * annotation.Scale * augmentation.ScaleFactor;
        CropTransform map = CropTransform.Create(
            annotation.CenterX, annotation.CenterY, boxSide, InputSize, augmentation.RotationDegrees, flip);

        DecodeAndCrop(ImagePath(annotation), map, input);

        int plane = OutputSize * OutputSize;
        double toOutput = (double)OutputSize / InputSize;
        target[..TargetLength].Clear();
        for (int k = 0; k < Joints; k++)
        {
            JointAnnotation joint = annotation.Joints[k];
            if (!joint.IsAnnotated)
            {
                continue; // an all-zero target: the network learns "no peak" for unannotated joints
            }

            (double u, double v) = map.Apply(joint.X, joint.Y);
            int channel = flip ? flipPermutation![k] : k;
            HeatmapTarget.Draw((float)(u * toOutput), (float)(v * toOutput), Sigma, OutputSize, target.Slice(channel * plane, plane));
        }
    }

    private void DecodeAndCrop(string path, CropTransform map, Span<float> input)
    {
        Image<Rgb24> image;
        try
        {
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new TrainingException($"cannot decode image '{path}': {e.Message}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TrainingException($"image '{path}' does not exist");
        }

        using (image)
        {
            int length = image.Width * image.Height * 3;
            byte[] pixels = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                image.CopyPixelDataTo(pixels.AsSpan(0, length));
                ImageCropper.Crop(pixels.AsSpan(0, length), image.Width, image.Height, map, InputSize, input);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(pixels);
            }
        }
    }
}

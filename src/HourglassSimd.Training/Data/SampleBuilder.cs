using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;

namespace HourglassSimd.Training;

/// <summary>
/// Turns one annotation plus an augmentation draw into a network input and its heatmap targets, with the inference
/// pre-processing: the engine's <see cref="CropTransform"/> of the (augmented) <see cref="PersonBox"/>, its
/// <see cref="CropSampler"/> (bilinear, pixel centres, black outside, box-filter pre-shrink of large boxes) and
/// <see cref="InputNormalization.Default"/> (pixel / 255). Joint targets go through the same transform (image →
/// heatmap coordinates), mirrored and left/right-swapped (<see cref="JointLayout.Mpii16"/>) like the crop on a flip.
/// </summary>
/// <remarks>Thread-safe: each call decodes its own image and uses a per-thread sampler, so batches are built with one call per worker.</remarks>
public sealed class SampleBuilder
{
    // CropSampler keeps a scratch buffer and is not thread-safe: one per thread.
    [ThreadStatic]
    private static CropSampler? threadSampler;

    private readonly string imageFolder;
    private readonly ImageLoader loader;

    /// <param name="imageFolder">Folder the annotations' image paths are relative to.</param>
    /// <param name="inputSize">Network input side in pixels (a multiple of 4; heatmaps are a quarter of it).</param>
    /// <param name="joints">Joints per person; flips are possible only for MPII's 16.</param>
    /// <param name="sigma">Gaussian σ of the targets in heatmap pixels.</param>
    /// <param name="loader">Image decoder; null: <see cref="ImageLoader"/> with <see cref="ImageLoadLimits.Default"/>, as <c>hourglass eval</c> uses.</param>
    public SampleBuilder(string imageFolder, int inputSize, int joints, float sigma, ImageLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(imageFolder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(joints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        this.imageFolder = imageFolder;
        this.loader = loader ?? new ImageLoader();
        InputSize = inputSize;
        OutputSize = PoseNetArchitecture.OutputSize(inputSize);
        Joints = joints;
        Sigma = sigma;
        FlipLayout = joints == JointLayout.Mpii16.Count ? JointLayout.Mpii16 : null;
    }

    /// <summary>The input normalization of training: pixel / 255, as the exported models declare.</summary>
    public static InputNormalization Normalization => InputNormalization.Default;

    public int InputSize { get; }

    public int OutputSize { get; }

    public int Joints { get; }

    public float Sigma { get; }

    /// <summary>The layout whose flip pairs swap left and right on a flip (MPII's for 16 joints), or null: no flips.</summary>
    public JointLayout? FlipLayout { get; }

    /// <summary>Whether flip augmentation is possible (only with a known left/right pairing, i.e. MPII's 16 joints).</summary>
    public bool CanFlip => FlipLayout is not null;

    public int InputLength => 3 * InputSize * InputSize;

    public int TargetLength => Joints * OutputSize * OutputSize;

    public string ImagePath(MpiiAnnotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        return Path.Combine(imageFolder, annotation.ImagePath);
    }

    /// <summary>The crop transform for <paramref name="box"/> at this input size (what <see cref="PoseEstimator.TransformFor(PersonBox)"/> builds).</summary>
    public CropTransform TransformFor(PersonBox box) => new(box, InputSize, InputSize);

    /// <summary>Decodes the annotation's image through <see cref="ImageLoader"/>; failures become a one-line <see cref="TrainingException"/>.</summary>
    public RgbImage LoadImage(MpiiAnnotation annotation)
    {
        string path = ImagePath(annotation);
        try
        {
            return loader.Load(path);
        }
        catch (ImageLoadException e) when (e.Failure == ImageLoadFailure.NotFound)
        {
            throw new TrainingException($"image '{path}' does not exist");
        }
        catch (ImageLoadException e)
        {
            throw new TrainingException($"cannot decode image '{path}': {e.Message}");
        }
    }

    /// <summary>Decodes the image, then writes CHW input (RGB, pixel/255) and J × out × out Gaussian targets.</summary>
    public void Build(MpiiAnnotation annotation, Augmentation augmentation, Span<float> input, Span<float> target)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        Build(LoadImage(annotation), annotation.Box, annotation.Joints, augmentation, input, target);
    }

    /// <summary>
    /// Writes the sample of an already decoded image: the crop of <paramref name="box"/> after <paramref name="augmentation"/>
    /// (<see cref="Augmentation.ApplyTo"/>; mirrored on a flip) into <paramref name="input"/>, and one Gaussian per annotated
    /// joint, at the joint's heatmap position under the same transform, into <paramref name="target"/>. Unannotated joints
    /// get an all-zero map.
    /// </summary>
    public void Build(
        RgbImage image, PersonBox box, IReadOnlyList<AnnotatedJoint> joints, Augmentation augmentation, Span<float> input, Span<float> target)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(joints);
        if (joints.Count != Joints)
        {
            throw new ArgumentException($"{joints.Count} joints given; the builder is for {Joints}.", nameof(joints));
        }

        if (input.Length < InputLength || target.Length < TargetLength)
        {
            throw new ArgumentException($"input needs {InputLength} floats and target {TargetLength}.");
        }

        bool flip = augmentation.Flip && CanFlip;
        CropTransform transform = TransformFor(augmentation.ApplyTo(box));
        (threadSampler ??= new CropSampler()).Sample(image, transform, Normalization, input[..InputLength], mirror: flip);
        DrawTargets(transform, joints, flip, target[..TargetLength]);
    }

    private void DrawTargets(CropTransform transform, IReadOnlyList<AnnotatedJoint> joints, bool flip, Span<float> target)
    {
        int plane = OutputSize * OutputSize;
        target.Clear();
        for (int k = 0; k < Joints; k++)
        {
            AnnotatedJoint joint = joints[k];
            if (!joint.IsAnnotated)
            {
                continue; // an all-zero target: the network learns "no peak" for unannotated joints
            }

            // Image → heatmap coordinates (continuous, pixel k spans [k, k+1)), the inverse of what the decoder applies.
            transform.ImageToInput(joint.X, joint.Y, out double u, out double v);
            double px = u / transform.OutputStride, py = v / transform.OutputStride;
            int channel = k;
            if (flip)
            {
                // The sampler's mirror puts input column j at InputWidth − 1 − j, i.e. u ↦ InputWidth − u.
                px = transform.HeatmapWidth - px;
                channel = FlipLayout!.FlipPermutation[k];
            }

            HeatmapTarget.Draw((float)px, (float)py, Sigma, OutputSize, target.Slice(channel * plane, plane));
        }
    }
}

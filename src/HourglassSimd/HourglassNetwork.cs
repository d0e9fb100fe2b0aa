using System.Numerics.Tensors;
using HourglassSimd.Diagnostics;
using HourglassSimd.Graph;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Pose;
using HourglassSimd.Quantization;
using HourglassSimd.Threading;

namespace HourglassSimd;

/// <summary>
/// A Stacked Hourglass network ready to run on the CPU. Immutable after creation and safe to call from several
/// threads at once. Input: plain NCHW float32 images <c>[N, 3, H, W]</c>; output: every stack's heatmaps,
/// <c>[N, stacks, joints, H/4, W/4]</c>. The network also carries its <see cref="Metadata"/>: the input normalization
/// its weights expect and its joint layout, which <see cref="Pose.PoseEstimator"/> uses.
/// </summary>
/// <example>
/// <code>
/// var arch = new HourglassArchitecture(stacks: 2, features: 256, joints: 16);
/// using var net = HourglassNetwork.Create(arch, weights);
/// float[] heatmaps = net.Run(image); // image: 3 × 256 × 256 floats, pixel / 255, RGB
/// </code>
/// </example>
public sealed unsafe class HourglassNetwork : IDisposable
{
    private readonly PackedWeights _weights;
    private readonly HourglassOptions _options;
    private readonly SizedPlan _default;
    private readonly PlanCache _otherSizes;
    private readonly WorkerPool _pool;
    private readonly QuantizedModel? _quantized;
    private readonly Int8KernelPath _int8Path;
    private readonly Kernels.Int16.Int16KernelPath _int16Path;

    private HourglassNetwork(HourglassArchitecture architecture, PackedWeights weights, HourglassOptions options, ModelMetadata metadata,
        QuantizedModel? quantized = null)
    {
        Architecture = architecture;
        Metadata = metadata;
        _weights = weights;
        _options = options;
        _quantized = quantized;
        _int8Path = quantized is not { Precision: ModelPrecision.Int8 } ? default : options.Int8Path ?? Int8KernelPaths.Resolve(weights.Isa);
        _int16Path = quantized is not { Precision: ModelPrecision.Int16 } ? default : options.Int16Path ?? Kernels.Int16.Int16KernelPaths.Resolve(weights.Isa);
        _default = BuildPlan(architecture);
        _otherSizes = new PlanCache(options.MaxCachedInputSizes, (height, width) => BuildPlan(architecture.WithInputSize(height, width)));
        _pool = new WorkerPool(options.ResolveThreadCount());
    }

    /// <summary>
    /// Creates a network from weights keyed as in hourglass-spec §1.8, trained or folded form; they are validated
    /// first and folded if they are not yet. The architecture's input size is the network's default size; it runs
    /// at other sizes too (see <see cref="Run(ReadOnlySpan{float}, int, int, Span{float})"/>).
    /// </summary>
    /// <param name="architecture">The network's shape.</param>
    /// <param name="weights">Trained or folded weights.</param>
    /// <param name="options">Threads, kernel path and convolution choices; null: <see cref="HourglassOptions.Default"/>.</param>
    /// <param name="metadata">
    /// Input normalization and joint layout of the weights; null: <see cref="ModelMetadata.ForJointCount"/> (pixel / 255,
    /// the layout guessed from the joint count, marked assumed).
    /// </param>
    /// <exception cref="WeightsMismatchException">The weights do not fit the architecture (every problem is listed).</exception>
    /// <exception cref="ArgumentException">The metadata's joint layout has another joint count than the architecture.</exception>
    public static HourglassNetwork Create(
        HourglassArchitecture architecture, HourglassWeights weights, HourglassOptions? options = null, ModelMetadata? metadata = null) =>
        Build(architecture, weights, options, metadata, quantized: null);

    /// <summary><see cref="Create(HourglassArchitecture, HourglassWeights, HourglassOptions?, ModelMetadata?)"/>, quantized when <paramref name="quantized"/> is given.</summary>
    internal static HourglassNetwork Build(
        HourglassArchitecture architecture, HourglassWeights weights, HourglassOptions? options, ModelMetadata? metadata, QuantizedModel? quantized)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        metadata ??= ModelMetadata.ForJointCount(architecture.Joints);
        if (metadata.JointLayout.Count != architecture.Joints)
            throw new ArgumentException(
                $"joint layout {metadata.JointLayout.Name} has {metadata.JointLayout.Count} joints but the architecture has {architecture.Joints}.", nameof(metadata));
        options ??= HourglassOptions.Default;
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(nameof(options), e.ActualValue, e.Message);
        }
        return new HourglassNetwork(architecture, new PackedWeights(weights.Fold(architecture), options.ResolveIsa()), options, metadata, quantized);
    }

    /// <summary>Loads an <c>.hgw</c> model file (see <see cref="HourglassModelFile"/>) and builds its network.</summary>
    /// <exception cref="ModelFileException">Not a model file, unsupported version, truncated or corrupt.</exception>
    public static HourglassNetwork Load(string path, HourglassOptions? options = null) => HourglassModelFile.Load(path).CreateNetwork(options);

    /// <inheritdoc cref="Load(string, HourglassOptions?)"/>
    public static HourglassNetwork Load(Stream stream, HourglassOptions? options = null) => HourglassModelFile.Load(stream).CreateNetwork(options);

    /// <summary>Creates a network with seeded random weights (<see cref="HourglassWeights.CreateRandom"/>), for tests and benchmarks.</summary>
    public static HourglassNetwork CreateRandom(HourglassArchitecture architecture, int seed, HourglassOptions? options = null) =>
        Create(architecture, HourglassWeights.CreateRandom(architecture, seed), options);

    /// <summary>
    /// The architecture. Its <see cref="HourglassArchitecture.InputHeight"/> × <see cref="HourglassArchitecture.InputWidth"/>
    /// is the model's default input size; <see cref="Run(ReadOnlySpan{float}, int, int, Span{float})"/> runs others.
    /// </summary>
    public HourglassArchitecture Architecture { get; }

    /// <summary>
    /// What the model states beside its weights: input normalization, joint layout (and whether it was assumed), source.
    /// From the model file for <see cref="Load(string, HourglassOptions?)"/>; the defaults of
    /// <see cref="ModelMetadata.ForJointCount"/> when <see cref="Create"/> was given none.
    /// </summary>
    public ModelMetadata Metadata { get; }

    /// <summary>How 8-bit pixels become input values for these weights (<see cref="ModelMetadata.Normalization"/>).</summary>
    public InputNormalization Normalization => Metadata.Normalization;

    /// <summary>What the heatmap channels mean (<see cref="ModelMetadata.JointLayout"/>).</summary>
    public JointLayout JointLayout => Metadata.JointLayout;

    /// <summary>The kernel path in use.</summary>
    public KernelIsa Isa => _weights.Isa;

    /// <summary>Whether the network computes in float32 or, for a quantized model (<c>hourglass quantize</c>), in int8 or int16.</summary>
    public ModelPrecision Precision => _quantized?.Precision ?? ModelPrecision.Float32;

    /// <summary>The int8 instruction sequence an int8 network's convolutions run on (e.g. <c>Vnni256</c>), or null for another network.</summary>
    public string? Int8Path => Precision == ModelPrecision.Int8 ? _int8Path.ToString() : null;

    /// <summary>The int16 instruction sequence an int16 network's convolutions run on (e.g. <c>Pair512</c>), or null for another network.</summary>
    public string? Int16Path => Precision == ModelPrecision.Int16 ? _int16Path.ToString() : null;

    /// <summary>A quantized network's precision and kernel path (<c>int8 Pair512</c>, <c>int16 Pair256</c>), or null for a float network.</summary>
    public string? QuantizedKernels => _quantized is null ? null : $"{_quantized.PrecisionName} {Int8Path ?? Int16Path}";

    /// <summary>Threads that work on one forward pass.</summary>
    public int ThreadCount => _pool.Threads;

    /// <summary>Learned parameters (see <see cref="HourglassArchitecture.ParameterCount"/>).</summary>
    public long ParameterCount => Architecture.ParameterCount;

    /// <summary>Convolution multiply-accumulates per image at the default input size (FLOPs ≈ 2 ×).</summary>
    public long MacCountPerImage => _default.Plan.MacCount;

    /// <summary>Bytes of activation memory one concurrent run at the default size holds (allocated once, reused).</summary>
    public long ActivationBytes => (long)_default.Plan.ArenaSize * sizeof(float);

    /// <summary>The input sizes other than the default whose plans are cached now, least recently used first.</summary>
    public IReadOnlyList<(int Height, int Width)> CachedInputSizes => _otherSizes.Sizes;

    /// <summary>Plans built for sizes other than the default so far (a cached size is not built again).</summary>
    internal int PlansBuilt => _otherSizes.BuildCount;

    /// <summary>Floats of heatmaps for <paramref name="batch"/> images of the default size.</summary>
    public int OutputLength(int batch) => OutputLength(batch, Architecture.InputHeight, Architecture.InputWidth);

    /// <summary>Floats of heatmaps, <c>N · stacks · joints · H/4 · W/4</c>, for <paramref name="batch"/> images of <paramref name="height"/> x <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The batch is negative, or a side is not a positive multiple of 64.</exception>
    public int OutputLength(int batch, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        CheckInputSize(height, width);
        return checked(batch * Architecture.Stacks * Architecture.Joints * (height / HourglassArchitecture.OutputStride) * (width / HourglassArchitecture.OutputStride));
    }

    /// <summary>Runs a batch of default-size images and returns its heatmaps <c>[N, stacks, joints, H/4, W/4]</c>.</summary>
    public float[] Run(ReadOnlySpan<float> inputNchw) => Run(inputNchw, Architecture.InputHeight, Architecture.InputWidth);

    /// <summary>Runs a batch of <paramref name="height"/> x <paramref name="width"/> images and returns its heatmaps.</summary>
    public float[] Run(ReadOnlySpan<float> inputNchw, int height, int width)
    {
        CheckInputSize(height, width);
        int batch = BatchOf(inputNchw, height, width);
        var heatmaps = new float[OutputLength(batch, height, width)];
        Run(inputNchw, height, width, heatmaps);
        return heatmaps;
    }

    /// <summary>
    /// Runs a batch of <c>N = input.Length / (3·H·W)</c> images of the default size into <paramref name="heatmaps"/>
    /// (<c>N · stacks · joints · H/4 · W/4</c> floats). Allocates nothing once warm.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer has the wrong size, or the input holds NaN or infinity.</exception>
    public void Run(ReadOnlySpan<float> inputNchw, Span<float> heatmaps) =>
        Run(inputNchw, Architecture.InputHeight, Architecture.InputWidth, heatmaps);

    /// <summary>
    /// Runs a batch of <c>N = input.Length / (3·H·W)</c> images of <paramref name="height"/> x <paramref name="width"/>
    /// pixels (any multiples of 64: the network is fully convolutional) into <paramref name="heatmaps"/>
    /// (<c>N · stacks · joints · H/4 · W/4</c> floats). The first run at a size builds that size's plan, which is
    /// cached (<see cref="HourglassOptions.MaxCachedInputSizes"/>); once every size in use is warm, a run allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of 64, a buffer has the wrong size, or the input holds NaN or infinity.</exception>
    public void Run(ReadOnlySpan<float> inputNchw, int height, int width, Span<float> heatmaps)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckInputSize(height, width);
        int batch = BatchOf(inputNchw, height, width);
        int expected = OutputLength(batch, height, width);
        if (heatmaps.Length != expected)
            throw new ArgumentException(
                $"heatmaps has {heatmaps.Length} floats; a batch of {batch} needs N × stacks × joints × H/4 × W/4 = " +
                $"{batch} × {Architecture.Stacks} × {Architecture.Joints} × {height / HourglassArchitecture.OutputStride} × " +
                $"{width / HourglassArchitecture.OutputStride} = {expected}.",
                nameof(heatmaps));
        CheckFinite(inputNchw, height, width);
        var sized = height == Architecture.InputHeight && width == Architecture.InputWidth ? _default : _otherSizes.Get(height, width);
        var arch = sized.Architecture;

        var context = sized.Rent(_pool);
        try
        {
            int inSize = arch.InputSizePerImage, outSize = arch.OutputSizePerImage;
            var layers = sized.Plan.Layers;
            fixed (float* input = inputNchw)
            fixed (float* output = heatmaps)
            {
                for (int n = 0; n < batch; n++)
                {
                    context.Image = input + (nint)n * inSize;
                    context.Heatmaps = output + (nint)n * outSize;
                    for (int i = 0; i < layers.Count; i++) // an index loop: no enumerator allocation
                        layers[i].Run(context);
                }
                context.Image = null;
                context.Heatmaps = null;
            }
        }
        finally
        {
            sized.Return(context);
        }
    }

    /// <summary>
    /// Runs a batch given as tensors: <paramref name="input"/> <c>[N, 3, H, W]</c> (NCHW float32 RGB, H and W positive
    /// multiples of 64) into <paramref name="heatmaps"/> <c>[N, stacks, joints, H/4, W/4]</c>, both dense (row-major,
    /// no gaps). Same results, plan cache and warm behaviour (no allocation) as
    /// <see cref="Run(ReadOnlySpan{float}, int, int, Span{float})"/> at that size.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A tensor has the wrong rank or shape (the message names it and the shape expected), is not dense, or the input
    /// holds NaN or infinity.
    /// </exception>
    public void Run(ReadOnlyTensorSpan<float> input, TensorSpan<float> heatmaps)
    {
        ReadOnlySpan<nint> lengths = input.Lengths;
        if (input.Rank != 4 || lengths[0] < 1 || lengths[1] != 3 || !IsSupportedSide(lengths[2]) || !IsSupportedSide(lengths[3]))
            throw new ArgumentException(
                $"input has shape {ShapeText(lengths)}; expected [N, 3, H, W] with N ≥ 1 and H, W positive multiples of {Architecture.InputSideMultiple} up to {HourglassArchitecture.MaxInputSide}.", nameof(input));
        int batch = checked((int)lengths[0]), height = (int)lengths[2], width = (int)lengths[3];
        ReadOnlySpan<nint> origin = [0, 0, 0, 0, 0];
        if (!input.IsDense || !input.TryGetSpan(origin[..4], checked((int)input.FlattenedLength), out var inputSpan))
            throw new ArgumentException($"input of shape {ShapeText(lengths)} is not dense (strides {ShapeText(input.Strides)}); pass a contiguous row-major tensor.", nameof(input));

        int stride = HourglassArchitecture.OutputStride;
        ReadOnlySpan<nint> expected = [batch, Architecture.Stacks, Architecture.Joints, height / stride, width / stride];
        if (!heatmaps.Lengths.SequenceEqual(expected))
            throw new ArgumentException(
                $"heatmaps has shape {ShapeText(heatmaps.Lengths)}; input {ShapeText(lengths)} needs [N, stacks, joints, H/4, W/4] = {ShapeText(expected)}.",
                nameof(heatmaps));
        if (!heatmaps.IsDense || !heatmaps.TryGetSpan(origin, checked((int)heatmaps.FlattenedLength), out Span<float> heatmapSpan))
            throw new ArgumentException(
                $"heatmaps of shape {ShapeText(heatmaps.Lengths)} is not dense (strides {ShapeText(heatmaps.Strides)}); pass a contiguous row-major tensor.", nameof(heatmaps));
        Run(inputSpan, height, width, heatmapSpan);
    }

    /// <summary>
    /// Times every layer over <paramref name="runs"/> forward passes of one image and returns, per layer in plan
    /// order, its description, multiply-accumulates, median milliseconds and the bytes it moves (for profiles, not for
    /// production).
    /// </summary>
    internal IReadOnlyList<LayerProfile> ProfileLayers(ReadOnlySpan<float> image, int runs)
    {
        var heatmaps = new float[OutputLength(1)];
        var plan = _default.Plan;
        var times = new double[plan.Layers.Count, runs];
        var context = new RunContext(plan, _pool);
        fixed (float* input = image)
        fixed (float* output = heatmaps)
        {
            context.Image = input;
            context.Heatmaps = output;
            for (int r = -1; r < runs; r++)
            {
                for (int i = 0; i < plan.Layers.Count; i++)
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    plan.Layers[i].Run(context);
                    if (r >= 0)
                        times[i, r] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
        }
        var result = new List<LayerProfile>();
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var row = Enumerable.Range(0, runs).Select(r => times[i, r]).Order().ToArray();
            result.Add(LayerProfile.Of(plan.Layers[i], row[runs / 2]));
        }
        return result;
    }

    /// <summary>
    /// Runs one default-size image through a quantized network layer by layer and hands every named activation
    /// (<see cref="ActivationProbe"/>), as plain CHW floats (dequantized where it is u8), to <paramref name="observe"/> right after the
    /// layer that writes it (for the quantizer's per-tensor report, not for production).
    /// </summary>
    /// <exception cref="InvalidOperationException">A float network (it has no quantized activations).</exception>
    internal void ProbeActivations(ReadOnlySpan<float> image, Action<string, float[]> observe)
    {
        if (_quantized is null)
            throw new InvalidOperationException("Only a quantized network has activations to probe.");
        var plan = _default.Plan;
        var heatmaps = new float[OutputLength(1)];
        var context = new RunContext(plan, _pool);
        fixed (float* input = image)
        fixed (float* output = heatmaps)
        {
            context.Image = input;
            context.Heatmaps = output;
            int next = 0;
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                plan.Layers[i].Run(context);
                for (; next < plan.Probes.Count && plan.Probes[next].Layer == i; next++)
                    observe(plan.Probes[next].Name, Dequantize(plan.Probes[next], (byte*)context.Pointer(plan.Probes[next].Value)));
            }
        }
    }

    private static float[] Dequantize(ActivationProbe probe, byte* buffer)
    {
        var v = probe.Value;
        if (probe.Quantization is not { } q)
        {
            var floats = new float[v.Channels * v.Height * v.Width];
            v.Layout.UnpackTo((float*)buffer, floats);
            return floats;
        }
        var layout = new QuantizedLayout(v.Channels, v.Height, v.Width, v.Root.Halo);
        var data = new float[v.Channels * v.Height * v.Width];
        bool int16 = v.Format == ValueFormat.Int16ChannelLast;
        for (int y = 0; y < v.Height; y++)
        for (int x = 0; x < v.Width; x++)
        {
            nint pixel = layout.Origin + y * layout.RowStride + x * layout.PixelStride;
            for (int c = 0; c < v.Channels; c++)
                data[(c * v.Height + y) * v.Width + x] = int16 ? q.DequantizeInt16(((short*)buffer)[pixel + c]) : q.Dequantize(buffer[pixel + c]);
        }
        return data;
    }

    private SizedPlan BuildPlan(HourglassArchitecture sized) =>
        new(sized, _quantized is null
            ? HourglassGraphBuilder.Build(sized, _weights, _options)
            : QuantizedGraphBuilder.Build(sized, _weights, _quantized, _int8Path, _int16Path));

    private bool IsSupportedSide(nint side) => side <= HourglassArchitecture.MaxInputSide && Architecture.AcceptsInputSide((int)side);

    private static string ShapeText(ReadOnlySpan<nint> lengths) => "[" + string.Join(", ", lengths.ToArray()) + "]";

    private void CheckInputSize(int height, int width)
    {
        if (!IsSupportedSide(height) || !IsSupportedSide(width))
            throw new ArgumentException(
                $"input size {height}x{width} (height x width) is not supported: both sides must be positive multiples of {Architecture.InputSideMultiple} " +
                $"(the hourglass pools {Architecture.Depth} times below the stem's stride 4), at most {HourglassArchitecture.MaxInputSide}.", nameof(height));
    }

    private static int BatchOf(ReadOnlySpan<float> input, int height, int width)
    {
        int perImage = checked(3 * height * width);
        if (input.Length == 0 || input.Length % perImage != 0)
            throw new ArgumentException(
                $"input has {input.Length} floats; expected N × 3 × {height} × {width} " +
                $"(a multiple of {perImage}, N ≥ 1) for NCHW float32 RGB images of this size.", "inputNchw");
        return input.Length / perImage;
    }

    private static void CheckFinite(ReadOnlySpan<float> input, int height, int width)
    {
        // The vectorized test runs on every call; the scalar search for the position only when it fails.
        if (TensorPrimitives.IsFiniteAll(input))
            return;
        for (int i = 0; i < input.Length; i++)
        {
            if (float.IsFinite(input[i]))
                continue;
            int plane = height * width, perImage = 3 * plane;
            int n = i / perImage, c = i % perImage / plane, y = i % plane / width, x = i % width;
            throw new ArgumentException($"input holds {input[i]} at image {n}, channel {c}, row {y}, column {x}; values must be finite.", "inputNchw");
        }
    }

    private bool _disposed;

    /// <summary>Stops the worker threads. Runs after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _pool.Dispose();
    }
}

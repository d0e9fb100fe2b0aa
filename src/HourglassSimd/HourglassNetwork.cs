using System.Collections.Concurrent;
using HourglassSimd.Graph;
using HourglassSimd.Pose;
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
    private readonly ExecutionPlan _plan;
    private readonly WorkerPool _pool;
    private readonly ConcurrentBag<RunContext> _contexts = [];

    private HourglassNetwork(HourglassArchitecture architecture, ExecutionPlan plan, int threads, ModelMetadata metadata)
    {
        Architecture = architecture;
        Metadata = metadata;
        _plan = plan;
        _pool = new WorkerPool(threads);
    }

    /// <summary>
    /// Creates a network from weights keyed as in hourglass-spec §1.8, trained or folded form; they are validated
    /// first and folded if they are not yet.
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
        HourglassArchitecture architecture, HourglassWeights weights, HourglassOptions? options = null, ModelMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        metadata ??= ModelMetadata.ForJointCount(architecture.Joints);
        if (metadata.JointLayout.Count != architecture.Joints)
            throw new ArgumentException(
                $"joint layout {metadata.JointLayout.Name} has {metadata.JointLayout.Count} joints but the architecture has {architecture.Joints}.", nameof(metadata));
        options ??= HourglassOptions.Default;
        int threads = options.ResolveThreadCount();
        if (options.WinogradMinimumSize < 4)
            throw new ArgumentOutOfRangeException(nameof(options), options.WinogradMinimumSize, "WinogradMinimumSize must be at least 4 (one tile).");
        var plan = HourglassGraphBuilder.Build(architecture, weights.Fold(architecture), options.ResolveIsa(), options);
        return new HourglassNetwork(architecture, plan, threads, metadata);
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
    /// is the model's default input size.
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
    public KernelIsa Isa => _plan.Isa;

    /// <summary>Threads that work on one forward pass.</summary>
    public int ThreadCount => _pool.Threads;

    /// <summary>Learned parameters (see <see cref="HourglassArchitecture.ParameterCount"/>).</summary>
    public long ParameterCount => Architecture.ParameterCount;

    /// <summary>Convolution multiply-accumulates per image (FLOPs ≈ 2 ×).</summary>
    public long MacCountPerImage => _plan.MacCount;

    /// <summary>Bytes of activation memory one concurrent run holds (allocated once, reused for every image).</summary>
    public long ActivationBytes => (long)_plan.ArenaSize * sizeof(float);

    /// <summary>Floats of heatmaps for <paramref name="batch"/> images.</summary>
    public int OutputLength(int batch) => checked(batch * Architecture.OutputSizePerImage);

    /// <summary>Runs a batch and returns its heatmaps <c>[N, stacks, joints, H/4, W/4]</c>.</summary>
    public float[] Run(ReadOnlySpan<float> inputNchw)
    {
        int batch = BatchOf(inputNchw);
        var heatmaps = new float[OutputLength(batch)];
        Run(inputNchw, heatmaps);
        return heatmaps;
    }

    /// <summary>
    /// Runs a batch of <c>N = input.Length / (3·H·W)</c> images into <paramref name="heatmaps"/>
    /// (<c>N · stacks · joints · H/4 · W/4</c> floats). Allocates nothing once warm.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer has the wrong size, or the input holds NaN or infinity.</exception>
    public void Run(ReadOnlySpan<float> inputNchw, Span<float> heatmaps)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int batch = BatchOf(inputNchw);
        int expected = OutputLength(batch);
        if (heatmaps.Length != expected)
            throw new ArgumentException(
                $"heatmaps has {heatmaps.Length} floats; a batch of {batch} needs N × stacks × joints × H/4 × W/4 = " +
                $"{batch} × {Architecture.Stacks} × {Architecture.Joints} × {Architecture.OutputHeight} × {Architecture.OutputWidth} = {expected}.",
                nameof(heatmaps));
        CheckFinite(inputNchw);

        if (!_contexts.TryTake(out var context))
            context = new RunContext(_plan, _pool);
        try
        {
            int inSize = Architecture.InputSizePerImage, outSize = Architecture.OutputSizePerImage;
            fixed (float* input = inputNchw)
            fixed (float* output = heatmaps)
            {
                for (int n = 0; n < batch; n++)
                {
                    context.Image = input + (nint)n * inSize;
                    context.Heatmaps = output + (nint)n * outSize;
                    var layers = _plan.Layers;
                    for (int i = 0; i < layers.Count; i++) // an index loop: no enumerator allocation
                        layers[i].Run(context);
                }
                context.Image = null;
                context.Heatmaps = null;
            }
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    /// <summary>
    /// Times every layer over <paramref name="runs"/> forward passes of one image and returns, per layer in plan
    /// order, its description, multiply-accumulates and median milliseconds (for profiles, not for production).
    /// </summary>
    internal IReadOnlyList<(string Layer, long Macs, double MedianMs)> ProfileLayers(ReadOnlySpan<float> image, int runs)
    {
        var heatmaps = new float[OutputLength(1)];
        var times = new double[_plan.Layers.Count, runs];
        var context = new RunContext(_plan, _pool);
        fixed (float* input = image)
        fixed (float* output = heatmaps)
        {
            context.Image = input;
            context.Heatmaps = output;
            for (int r = -1; r < runs; r++)
            {
                for (int i = 0; i < _plan.Layers.Count; i++)
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    _plan.Layers[i].Run(context);
                    if (r >= 0)
                        times[i, r] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
        }
        var result = new List<(string, long, double)>();
        for (int i = 0; i < _plan.Layers.Count; i++)
        {
            var row = Enumerable.Range(0, runs).Select(r => times[i, r]).Order().ToArray();
            result.Add((_plan.Layers[i].Describe(), _plan.Layers[i].MacCount, row[runs / 2]));
        }
        return result;
    }

    private int BatchOf(ReadOnlySpan<float> input)
    {
        int perImage = Architecture.InputSizePerImage;
        if (input.Length == 0 || input.Length % perImage != 0)
            throw new ArgumentException(
                $"input has {input.Length} floats; expected N × 3 × {Architecture.InputHeight} × {Architecture.InputWidth} " +
                $"(a multiple of {perImage}, N ≥ 1) for NCHW float32 RGB images of this architecture.", "inputNchw");
        return input.Length / perImage;
    }

    private void CheckFinite(ReadOnlySpan<float> input)
    {
        for (int i = 0; i < input.Length; i++)
        {
            if (float.IsFinite(input[i]))
                continue;
            int perImage = Architecture.InputSizePerImage, plane = Architecture.InputHeight * Architecture.InputWidth;
            int n = i / perImage, c = i % perImage / plane, y = i % plane / Architecture.InputWidth, x = i % Architecture.InputWidth;
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

using HourglassSimd.TestSupport;
using BenchmarkDotNet.Attributes;
using HourglassSimd.Kernels;
using HourglassSimd.Tensors;
using HourglassSimd.Threading;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>
/// The engine's direct convolution (<see cref="DirectConv"/>) on one image in the engine's own layouts (NCHW16c,
/// zero halo, weights packed by <see cref="PackedConv"/>), single-threaded or spread over a <see cref="WorkerPool"/>
/// exactly as the network does, for every vector width this CPU accelerates (<see cref="SimdKernelSet.Accelerated"/>).
/// Derived classes pick the shapes.
/// </summary>
public abstract unsafe class DirectConvBenchmark
{
    private PackedConv _packed = null!;
    private AlignedBuffer _input = null!;
    private AlignedBuffer _output = null!;
    private ConvArgs _args;
    private WorkerPool? _pool;
    private SimdKernelSet _kernels = null!;
    private ConvWork _work = null!;

    public abstract ConvShape Shape { get; set; }

    /// <summary>The vector width (the kernel set is internal, so the parameter is its name).</summary>
    [ParamsSource(nameof(Widths))]
    public KernelIsa Width { get; set; }

    public static IEnumerable<KernelIsa> Widths() => SimdKernelSet.Accelerated.Select(k => k.Isa);

    /// <summary>1 and all cores.</summary>
    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts() => new[] { 1, Environment.ProcessorCount }.Distinct();

    [GlobalSetup]
    public void Setup()
    {
        var s = Shape;
        var random = new Random(1);
        float[] Uniform(int n, float low, float high) => TestArrays.Uniform(random, n, low, high);
        float bound = 1 / MathF.Sqrt(s.InChannels * s.Kernel * s.Kernel);
        var conv = new ConvParameters(Uniform(s.OutChannels * s.InChannels * s.Kernel * s.Kernel, -bound, bound), Uniform(s.OutChannels, -0.1f, 0.1f),
            s.OutChannels, s.InChannels, s.Kernel, s.Stride, s.Pad);
        (float[], float[])? prologue = s.Prologue ? (Uniform(s.InChannels, 0.5f, 1.5f), Uniform(s.InChannels, -0.2f, 0.2f)) : null;
        _packed = new PackedConv(conv, prologue, s.Relu);

        // The stem reads the plain RGB image; everything else reads NCHW16c. Inputs carry a halo as wide as the padding.
        var inLayout = new ActivationLayout(s.InChannels, s.Height, s.Width, s.InChannels < 16 && s.Kernel == 7 ? 1 : 16, s.Pad);
        var outLayout = new ActivationLayout(s.OutChannels, s.OutHeight, s.OutWidth, 16, s.OutHalo);
        _input = new AlignedBuffer(inLayout.Size);
        _output = new AlignedBuffer(outLayout.Size);
        inLayout.PackFrom(Uniform(s.InChannels * s.Height * s.Width, 0, 1), _input.Pointer);
        outLayout.PackFrom(Uniform(s.OutChannels * s.OutHeight * s.OutWidth, -1, 1), _output.Pointer);
        // The network adds the shortcut in place: the residual is the output buffer itself.
        _args = _packed.Bind(_input.Pointer, inLayout, _output.Pointer, outLayout, s.Residual ? _output.Pointer : null, outLayout);
        if (Threads > 1)
            _pool = new WorkerPool(Threads);
        _kernels = SimdKernelSet.Accelerated.Single(k => k.Isa == Width);
        _work = new ConvWork(_kernels, _args);
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark]
    public void DirectConv()
    {
        if (_pool is null)
            _kernels.DirectConv(_args);
        else
            _pool.Run(_work, _kernels.DirectConvItemCount(_args));
    }

    /// <summary>The work items of one bound convolution for the pool.</summary>
    private sealed class ConvWork(SimdKernelSet kernels, ConvArgs args) : IParallelWork
    {
        private readonly ConvArgs _args = args;

        public void Execute(int item) => kernels.DirectConvItem(_args, item);
    }
}

using HourglassSimd.Tensors;
using HourglassSimd.Threading;

namespace HourglassSimd.Graph;

/// <summary>
/// The per-run state of a plan: the activation arena and the image being processed. One context serves one
/// <c>Run</c> call at a time; the network keeps a pool of them for concurrent callers.
/// </summary>
internal sealed unsafe class RunContext : IParallelWork
{
    private readonly WorkerPool _pool;
    private readonly AlignedBuffer _arena;
    private Layer? _current;

    public RunContext(ExecutionPlan plan, WorkerPool pool)
    {
        _pool = pool;
        _arena = new AlignedBuffer(plan.ArenaSize);
        _scratch = new AlignedBuffer(plan.ScratchSize);
    }

    private readonly AlignedBuffer _scratch;

    /// <summary>Scratch memory for the running layer (e.g. Winograd's transformed tiles).</summary>
    public float* Scratch => _scratch.Pointer;

    /// <summary>The phase of a multi-phase layer that <see cref="Parallel"/> is running.</summary>
    public int Phase { get; set; }

    /// <summary>The current image, plain CHW.</summary>
    public float* Image { get; set; }

    /// <summary>The current image's heatmaps, [stacks][joints][H/4][W/4].</summary>
    public float* Heatmaps { get; set; }

    public float* Pointer(Value value) => _arena.Pointer + value.Offset;

    /// <summary>Runs items 0..count−1 of <paramref name="layer"/> on the pool.</summary>
    public void Parallel(Layer layer, int count)
    {
        _current = layer;
        _pool.Run(this, count);
        _current = null;
    }

    void IParallelWork.Execute(int item) => _current!.RunItem(this, item);
}

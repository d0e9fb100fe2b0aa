using System.Runtime.CompilerServices;
using HourglassSimd.Tensors;
using HourglassSimd.Threading;

namespace HourglassSimd.Graph;

/// <summary>
/// The per-run state of a plan: the activation arena, the image being processed and the running layer's kernel
/// arguments. One context serves one <c>Run</c> call at a time; the network keeps a pool of them for concurrent callers.
/// </summary>
internal sealed unsafe class RunContext : IParallelWork
{
    private readonly WorkerPool _pool;
    private readonly AlignedBuffer _arena;
    private readonly AlignedBuffer _scratch;
    private Layer? _current;
    private BindingStorage _binding;

    public RunContext(ExecutionPlan plan, WorkerPool pool)
    {
        _pool = pool;
        _arena = new AlignedBuffer(plan.ArenaSize);
        _scratch = new AlignedBuffer(plan.ScratchSize);
    }

    /// <summary>Scratch memory for the running layer (e.g. Winograd's transformed tiles).</summary>
    public float* Scratch => _scratch.Pointer;

    /// <summary>The phase of a multi-phase layer that <see cref="Parallel"/> is running.</summary>
    public int Phase { get; set; }

    /// <summary>The current image, plain CHW.</summary>
    public float* Image { get; set; }

    /// <summary>The current image's heatmaps, [stacks][joints][H/4][W/4].</summary>
    public float* Heatmaps { get; set; }

    public float* Pointer(Value value) => _arena.Pointer + value.Offset;

    /// <summary>
    /// The running layer's kernel arguments (pointers into this context's arena), bound once by its <c>Run</c>
    /// before <see cref="Parallel"/> and read by every item. They live here, not in the layer, because layers are
    /// shared by the concurrent runs of a network; one slot suffices because a context runs one layer at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Binding<T>() where T : unmanaged
    {
        if (sizeof(T) > sizeof(BindingStorage)) // folded away per T by the JIT
            ThrowBindingTooLarge();
        return ref Unsafe.As<BindingStorage, T>(ref _binding);
    }

    /// <summary>
    /// Layers with less <see cref="Layer.Work"/> than this run on the calling thread alone: waking the other threads
    /// and waiting for the last of them costs more than they would do (the 2x2 to 8x8 levels of a small network).
    /// A switch for A/B measurements; which thread runs an item never changes its result.
    /// </summary>
    internal static long InlineWork = 65_536;

    /// <summary>Runs items 0..count−1 of <paramref name="layer"/> on the pool, or inline when the layer is small.</summary>
    public void Parallel(Layer layer, int count)
    {
        long work = layer.Work;
        if (work > 0 && work < InlineWork)
        {
            for (int i = 0; i < count; i++)
                layer.RunItem(this, i);
            return;
        }
        _current = layer;
        _pool.Run(this, count);
        _current = null;
    }

    void IParallelWork.Execute(int item) => _current!.RunItem(this, item);

    private static void ThrowBindingTooLarge() =>
        throw new InvalidOperationException($"A layer's kernel arguments exceed the {sizeof(BindingStorage)} bytes a run context holds.");

    /// <summary>Inline, 8-byte aligned room for the largest kernel argument struct (no allocation per run).</summary>
    [InlineArray(32)]
    private struct BindingStorage
    {
        private ulong _element;
    }
}

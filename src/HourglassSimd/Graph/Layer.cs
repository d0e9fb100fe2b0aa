
namespace HourglassSimd.Graph;

/// <summary>
/// One step of the execution plan. Layers are immutable and shared by concurrent runs; everything that differs
/// per run (buffers, the current image) is in the <see cref="RunContext"/>.
/// </summary>
internal abstract class Layer
{
    /// <summary>Values read.</summary>
    public abstract IEnumerable<Value> Inputs { get; }

    /// <summary>The value written, or null for a layer that only exports.</summary>
    public abstract Value? Output { get; }

    /// <summary>Floats of per-run scratch memory the layer needs (shared by all layers of a run, one at a time).</summary>
    public virtual nint ScratchFloats => 0;

    /// <summary>Bytes of packed weights and biases the layer reads per image (convolutions only), for the memory-traffic report.</summary>
    public virtual long WeightBytes => 0;

    /// <summary>Multiply-accumulates per image (convolutions only).</summary>
    public virtual long MacCount => 0;

    /// <summary>
    /// The layer's work per image, for <see cref="RunContext.Parallel"/> to decide whether splitting it over threads
    /// pays: multiply-accumulates for convolutions, output elements for pooling and upsampling; 0 when not known
    /// (always split).
    /// </summary>
    public virtual long Work => MacCount;

    /// <summary>A short description for profiles, e.g. <c>conv3x3 128->128 @64x64</c>.</summary>
    public abstract string Describe();

    /// <summary>Runs the layer for the context's current image, usually as parallel items.</summary>
    public abstract void Run(RunContext context);

    /// <summary>Runs one of the items that <see cref="Run"/> hands to <see cref="RunContext.Parallel"/>.</summary>
    public virtual void RunItem(RunContext context, int item) => throw new NotSupportedException();
}

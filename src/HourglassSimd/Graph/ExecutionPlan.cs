using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>
/// The ordered layers of a network for one kernel path, with every activation placed in one arena.
/// Buffers are recycled as soon as their last reader has run (exact-size reuse), so the arena holds only what is
/// alive at once.
/// </summary>
internal sealed class ExecutionPlan
{
    private const int AlignmentFloats = 16;

    public ExecutionPlan(IReadOnlyList<Layer> layers, KernelIsa isa)
    {
        Layers = layers;
        Isa = isa;
        AssignLayouts();
        ArenaSize = AssignOffsets();
        MacCount = layers.Sum(l => l.MacCount);
        ScratchSize = layers.Max(l => l.ScratchFloats);
    }

    public IReadOnlyList<Layer> Layers { get; }

    public KernelIsa Isa { get; }

    /// <summary>Floats in the activation arena of one context.</summary>
    public nint ArenaSize { get; }

    /// <summary>Floats of scratch memory of one context (the largest any layer needs).</summary>
    public nint ScratchSize { get; }

    /// <summary>Convolution multiply-accumulates per image.</summary>
    public long MacCount { get; }

    private IEnumerable<Value> Touched(Layer layer) => layer.Output is null ? layer.Inputs : layer.Inputs.Append(layer.Output);

    private void AssignLayouts()
    {
        foreach (var value in Layers.SelectMany(Touched).Distinct())
        {
            bool simd = Isa != KernelIsa.Scalar;
            int pack = simd && !value.Plain ? 16 : 1;
            int halo = simd ? value.Root.Halo : 0;
            value.Layout = new ActivationLayout(value.Channels, value.Height, value.Width, pack, halo);
        }
    }

    private nint AssignOffsets()
    {
        var lastUse = new Dictionary<Value, int>();
        for (int i = 0; i < Layers.Count; i++)
            foreach (var value in Touched(Layers[i]))
                lastUse[value.Root] = i;

        var free = new Dictionary<nint, Stack<nint>>();
        var placed = new HashSet<Value>();
        nint top = 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            var output = Layers[i].Output;
            if (output is not null && placed.Add(output.Root))
            {
                nint size = (output.Root.Layout.Size + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;
                if (free.TryGetValue(size, out var stack) && stack.Count > 0)
                    output.Root.Offset = stack.Pop();
                else
                {
                    output.Root.Offset = top;
                    top += size;
                }
            }
            foreach (var value in Touched(Layers[i]).Select(v => v.Root).Distinct())
            {
                if (lastUse[value] != i)
                    continue;
                nint size = (value.Layout.Size + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;
                if (!free.TryGetValue(size, out var stack))
                    free[size] = stack = new Stack<nint>();
                stack.Push(value.Offset);
            }
        }
        foreach (var value in Layers.SelectMany(Touched))
            value.Offset = value.Root.Offset;
        return top;
    }
}

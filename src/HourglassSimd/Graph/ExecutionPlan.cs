using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>
/// The ordered layers of a network for one kernel path, with every activation placed in one arena.
/// A buffer's memory is reused once its last reader has run (offline greedy placement by size), so the arena holds
/// little more than what is alive at once.
/// </summary>
internal sealed class ExecutionPlan
{
    private const int AlignmentFloats = 16;

    /// <param name="layers">The layers in run order.</param>
    /// <param name="packChannels">SIMD paths: activations NCHW16c with the halos the builder asked for; scalar: plain NCHW.</param>
    /// <param name="probes">A quantized plan's named activations (<see cref="ActivationProbe"/>), or null.</param>
    public ExecutionPlan(IReadOnlyList<Layer> layers, bool packChannels, IReadOnlyList<ActivationProbe>? probes = null)
    {
        Layers = layers;
        Probes = probes ?? [];
        PacksChannels = packChannels;
        AssignLayouts();
        ArenaSize = AssignOffsets();
        MacCount = layers.Sum(l => l.MacCount);
        ScratchSize = layers.Max(l => l.ScratchFloats);
    }

    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The named activations a quantized plan can read back; empty for a float plan.</summary>
    public IReadOnlyList<ActivationProbe> Probes { get; }

    public bool PacksChannels { get; }

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
            int pack = PacksChannels && !value.Plain ? 16 : 1;
            int halo = PacksChannels ? value.Root.Halo : 0;
            value.Layout = value.Format switch
            {
                ValueFormat.Float => new ActivationLayout(value.Channels, value.Height, value.Width, pack, halo),
                // u8 and s16 channel-last maps as plain layouts of the same size in floats; their layers address them through QuantizedLayout.
                ValueFormat.Int16ChannelLast => new ActivationLayout(QuantizedLayout.PaddedChannels(value.Channels) * sizeof(short) / sizeof(float), value.Height, value.Width, 1, value.Root.Halo),
                _ => new ActivationLayout(QuantizedLayout.PaddedChannels(value.Channels) / sizeof(float), value.Height, value.Width, 1, value.Root.Halo),
            };
        }
    }

    /// <summary>
    /// Offline greedy-by-size placement: buffers in decreasing size, each at the lowest offset that overlaps no
    /// already placed buffer whose lifetime (first to last layer that touches it) overlaps its own.
    /// </summary>
    private nint AssignOffsets()
    {
        var first = new Dictionary<Value, int>();
        var last = new Dictionary<Value, int>();
        for (int i = 0; i < Layers.Count; i++)
            foreach (var value in Touched(Layers[i]).Select(v => v.Root))
            {
                first.TryAdd(value, i);
                last[value] = i;
            }

        var placed = new List<Value>();
        nint arena = 0;
        foreach (var value in first.Keys.OrderByDescending(v => v.Layout.Size).ThenBy(v => first[v]))
        {
            nint size = Aligned(value.Layout.Size);
            nint offset = 0;
            foreach (var other in placed.Where(o => first[o] <= last[value] && first[value] <= last[o]).OrderBy(o => o.Offset))
            {
                if (offset + size <= other.Offset)
                    break;
                offset = Math.Max(offset, other.Offset + Aligned(other.Layout.Size));
            }
            value.Offset = offset;
            placed.Add(value);
            arena = Math.Max(arena, offset + size);
        }
        foreach (var value in Layers.SelectMany(Touched))
            value.Offset = value.Root.Offset;
        return arena;
    }

    private static nint Aligned(nint size) => (size + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;
}

using HourglassSimd.Graph;

namespace HourglassSimd.Tests.Network;

public sealed class ExecutionPlanTests
{
    /// <summary>Buffers of values alive at the same time never overlap, and the arena is within 25% of the peak live size.</summary>
    [Theory]
    [InlineData(1, 16, KernelIsa.Vector512)]
    [InlineData(2, 256, KernelIsa.Vector512)]
    [InlineData(8, 32, KernelIsa.Vector256)]
    [InlineData(2, 24, KernelIsa.Scalar)]
    public void Live_buffers_never_overlap(int stacks, int features, KernelIsa isa)
    {
        var arch = new HourglassArchitecture(stacks, features, 16, 128, 64);
        var plan = HourglassGraphBuilder.Build(arch, HourglassWeights.CreateRandom(arch, 1).Fold(arch), isa, HourglassOptions.Default);
        var layers = plan.Layers;
        IEnumerable<Value> Touched(Layer l) => l.Output is null ? l.Inputs : l.Inputs.Append(l.Output);

        var first = new Dictionary<Value, int>();
        var last = new Dictionary<Value, int>();
        for (int i = 0; i < layers.Count; i++)
            foreach (var v in Touched(layers[i]).Select(v => v.Root))
            {
                first.TryAdd(v, i);
                last[v] = i;
            }
        var roots = first.Keys.ToList();
        foreach (var a in roots)
        foreach (var b in roots)
        {
            if (a == b || last[a] < first[b] || last[b] < first[a])
                continue; // not alive together
            bool disjoint = a.Offset + a.Layout.Size <= b.Offset || b.Offset + b.Layout.Size <= a.Offset;
            Assert.True(disjoint, $"values alive together overlap: [{a.Offset}, +{a.Layout.Size}) and [{b.Offset}, +{b.Layout.Size})");
        }
        Assert.All(roots, v => Assert.True(v.Offset >= 0 && v.Offset + v.Layout.Size <= plan.ArenaSize));
        // No arena can be smaller than the most memory alive at one step; best fit stays close to that.
        long peakLive = Enumerable.Range(0, layers.Count).Max(i => roots.Where(v => first[v] <= i && i <= last[v]).Sum(v => (long)v.Layout.Size));
        Assert.InRange((long)plan.ArenaSize, peakLive, peakLive * 5 / 4);
    }
}

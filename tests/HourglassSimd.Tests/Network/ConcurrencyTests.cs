using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Network;

[Collection(nameof(EngineSwitchCollection))]
public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(KernelIsa.Vector512)]
    [InlineData(KernelIsa.Vector256)]
    [InlineData(KernelIsa.Vector128)]
    [InlineData(KernelIsa.Scalar)]
    public void Concurrent_runs_equal_sequential_runs(KernelIsa isa)
    {
        var arch = new HourglassArchitecture(2, 16, 16, 64, 64);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 11, new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 2 });
        var random = new Random(1);
        var inputs = Enumerable.Range(0, 8).Select(_ => TestArrays.Uniform(random, arch.InputSizePerImage, 0, 1)).ToArray();
        var sequential = inputs.Select(x => net.Run(x)).ToArray();

        var concurrent = new float[8][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            for (int repeat = 0; repeat < 3; repeat++)
                concurrent[i] = net.Run(inputs[i]);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        for (int i = 0; i < 8; i++)
        {
            // Same plan, same partition-independent arithmetic per output: bit-identical.
            Assert.Equal(sequential[i], concurrent[i]);
        }
        Assert.NotEqual(sequential[0], sequential[1]);
    }

    [Fact]
    public void Results_do_not_depend_on_thread_count()
    {
        var arch = new HourglassArchitecture(1, 32, 16, 64, 64);
        float[] input = TestArrays.Uniform(new Random(2), 3 * arch.InputSizePerImage, 0, 1);
        using var one = HourglassNetwork.CreateRandom(arch, 4, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        using var three = HourglassNetwork.CreateRandom(arch, 4, new HourglassOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(one.Run(input), three.Run(input));
    }

    /// <summary>Small layers run on the calling thread alone (<see cref="Graph.RunContext.InlineWork"/>): every layer
    /// split over threads, the default, and every layer inline give the same bits.</summary>
    [Fact]
    public void Running_small_layers_inline_changes_nothing()
    {
        var arch = new HourglassArchitecture(2, 32, 16, 128, 128);
        float[] input = TestArrays.Uniform(new Random(3), arch.InputSizePerImage, 0, 1);
        using var net = HourglassNetwork.CreateRandom(arch, 5, new HourglassOptions { MaxDegreeOfParallelism = 2 });
        long saved = Graph.RunContext.InlineWork;
        try
        {
            float[] byDefault = net.Run(input);
            Graph.RunContext.InlineWork = 0;
            float[] allSplit = net.Run(input);
            Graph.RunContext.InlineWork = long.MaxValue;
            float[] allInline = net.Run(input);
            Assert.Equal(allSplit, byDefault);
            Assert.Equal(allSplit, allInline);
            Assert.DoesNotContain(allSplit, float.IsNaN);
        }
        finally
        {
            Graph.RunContext.InlineWork = saved;
        }
    }
}

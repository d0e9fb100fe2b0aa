using HourglassSimd.TestSupport;
using HourglassSimd.Tests.Support;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>One network, many input sizes: plans built per size on first use, cached, bounded and shared weights.</summary>
public sealed class InputSizeTests(ITestOutputHelper output)
{
    private static readonly HourglassArchitecture Arch = new(2, 16, 5, 64, 64);

    /// <summary>Each size's heatmaps equal the reference composition's at that size (the model's default is 64x64).</summary>
    [Theory]
    [InlineData(128, 64, KernelIsa.Vector512)]
    [InlineData(64, 192, KernelIsa.Vector512)]
    [InlineData(192, 128, KernelIsa.Vector256)]
    [InlineData(128, 64, KernelIsa.Scalar)]
    public void Other_sizes_match_the_reference_composition(int height, int width, KernelIsa isa)
    {
        var weights = HourglassWeights.CreateRandom(Arch, seed: 3);
        using var net = HourglassNetwork.Create(Arch, weights, new HourglassOptions { Isa = isa });
        var sized = Arch.WithInputSize(height, width);
        float[] input = TestArrays.Uniform(new Random(2), sized.InputSizePerImage, 0, 1);
        float[] actual = net.Run(input, height, width);
        Assert.Equal(sized.OutputSizePerImage, actual.Length);
        Assert.Equal(actual.Length, net.OutputLength(1, height, width));

        float[] expected = new ReferenceHourglass(sized, weights).Run(input);
        int stackSize = sized.Joints * sized.OutputHeight * sized.OutputWidth;
        for (int s = 0; s < sized.Stacks; s++)
        {
            double relative = Tolerance.AssertNetworkClose(expected.AsSpan(s * stackSize, stackSize), actual.AsSpan(s * stackSize, stackSize), $"{height}x{width} {isa} stack {s}");
            output.WriteLine($"{height}x{width} {isa} stack {s}: max |diff| / max |ref| = {relative:E2}");
        }
    }

    /// <summary>A plan built on demand is the plan a network made for that size builds: the same heatmaps, bit for bit.</summary>
    [Theory]
    [MemberData(nameof(SimdPaths.All), MemberType = typeof(SimdPaths))]
    public void A_size_gives_the_same_bits_as_a_network_made_for_that_size(KernelIsa isa)
    {
        var weights = HourglassWeights.CreateRandom(Arch, seed: 4);
        var options = new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 2 };
        using var net = HourglassNetwork.Create(Arch, weights, options);
        using var made = HourglassNetwork.Create(Arch.WithInputSize(128, 192), weights, options);
        float[] input = TestArrays.Uniform(new Random(3), 2 * 3 * 128 * 192, -1, 1);
        Assert.Equal(made.Run(input), net.Run(input, 128, 192));
        Assert.Equal(made.Run(input), net.Run(input, 128, 192)); // and again, from the cached plan
    }

    [Fact]
    public void Cached_plans_are_reused_and_the_least_recently_used_is_dropped()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxCachedInputSizes = 2 });
        void RunAt(int h, int w) => net.Run(new float[3 * h * w], h, w);

        RunAt(64, 64); // the default size has its own plan
        Assert.Equal(0, net.PlansBuilt);
        RunAt(128, 64);
        RunAt(128, 64);
        RunAt(64, 128);
        RunAt(128, 64);
        Assert.Equal(2, net.PlansBuilt);
        Assert.Equal([(64, 128), (128, 64)], net.CachedInputSizes);

        RunAt(192, 64); // evicts 64x128, the least recently used
        Assert.Equal(3, net.PlansBuilt);
        Assert.Equal([(128, 64), (192, 64)], net.CachedInputSizes);
        RunAt(128, 64);
        Assert.Equal(3, net.PlansBuilt);
        RunAt(64, 128); // dropped before, so built again
        Assert.Equal(4, net.PlansBuilt);
        Assert.Equal([(128, 64), (64, 128)], net.CachedInputSizes);
    }

    [Fact]
    public void Concurrent_first_calls_for_one_size_build_its_plan_once()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxDegreeOfParallelism = 1 });
        float[] input = TestArrays.Uniform(new Random(5), 3 * 128 * 128, 0, 1);
        using var start = new Barrier(8);
        var results = new float[8][];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = net.Run(input, 128, 128);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(1, net.PlansBuilt);
        Assert.All(results, r => Assert.Equal(results[0], r));
    }

    [Fact]
    public void Runs_at_several_sizes_allocate_nothing_once_every_size_is_warm()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxDegreeOfParallelism = 2 });
        (int H, int W)[] sizes = [(64, 64), (128, 64), (64, 192)];
        var inputs = sizes.Select(s => TestArrays.Uniform(new Random(1), 3 * s.H * s.W, 0, 1)).ToArray();
        var outputs = sizes.Select(s => new float[net.OutputLength(1, s.H, s.W)]).ToArray();
        for (int warm = 0; warm < 2; warm++)
            for (int i = 0; i < sizes.Length; i++)
                net.Run(inputs[i], sizes[i].H, sizes[i].W, outputs[i]);

        WarmAllocations.AssertNone(() =>
        {
            for (int i = 0; i < sizes.Length; i++)
                net.Run(inputs[i], sizes[i].H, sizes[i].W, outputs[i]);
        }, "warm runs at three sizes");
    }

    [Theory]
    [InlineData(100, 64)]
    [InlineData(64, 96)]
    [InlineData(0, 64)]
    [InlineData(64, -64)]
    [InlineData(32, 32)]
    public void Sizes_that_are_not_positive_multiples_of_64_are_refused_by_name(int height, int width)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => net.Run(new float[3 * 64 * 64], height, width));
        Assert.Contains($"{height}x{width}", e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => net.OutputLength(1, height, width));
    }

    [Fact]
    public void A_batch_that_does_not_fit_the_size_names_the_size()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, 1);
        var e = Assert.Throws<ArgumentException>(() => net.Run(new float[3 * 64 * 64], 128, 64));
        Assert.Contains("128 × 64", e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => net.OutputLength(-1));
    }
}

using System.Diagnostics;
using HourglassSimd.TestSupport;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>
/// Many passes through one network with flat memory: once warm, a pass allocates nothing on the calling thread, next
/// to nothing in the whole process, and the working set does not grow. Runs alone (<see cref="SoakCollection"/>), so
/// that the process-wide figures are this test's. Prints its figures.
/// </summary>
[Collection(nameof(SoakCollection))]
public sealed class SoakTests(ITestOutputHelper output)
{
    /// <summary>
    /// The short soak of the default run: the caller's figure only, as the process's is dominated, over a few hundred
    /// passes, by the test runner's own traffic.
    /// </summary>
    [Fact]
    public void Hundreds_of_passes_allocate_nothing_on_the_caller() => Soak(passes: 500, wholeProcess: false);

    /// <summary>Issue 13's soak: 10,000 passes of a small network on two threads.</summary>
    [Fact]
    [Trait("Category", "Heavy")]
    public void Ten_thousand_passes_keep_memory_flat() => Soak(passes: 10_000, wholeProcess: true);

    private void Soak(int passes, bool wholeProcess)
    {
        const int threads = 2, samples = 10;
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 9, new HourglassOptions { MaxDegreeOfParallelism = threads });
        float[] input = TestArrays.Uniform(new Random(9), arch.InputSizePerImage, 0, 1);
        var heatmaps = new float[net.OutputLength(1)];
        // Warm-up: plans, packed weights, worker threads, and time for the JIT's tiering to settle.
        int warmUp = Math.Max(100, passes / 10);
        for (int i = 0; i < warmUp; i++)
            net.Run(input, heatmaps);
        float[] expected = [.. heatmaps];

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long workingSetBefore = Environment.WorkingSet;
        var workingSets = new long[samples];
        long sampling = 0; // bytes that reading the working set allocates (it parses a /proc file), left out of the caller's figure
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = new Stopwatch();
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Start();
        for (int pass = 1; pass <= passes; pass++)
        {
            net.Run(input, heatmaps);
            if (pass % (passes / samples) == 0)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                workingSets[pass / (passes / samples) - 1] = Environment.WorkingSet;
                sampling += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }
        var elapsed = clock.Elapsed;
        long caller = GC.GetAllocatedBytesForCurrentThread() - callerBefore - sampling;
        long process = GC.GetTotalAllocatedBytes(precise: true) - processBefore - sampling;
        int[] collections = [GC.CollectionCount(0) - collectionsBefore[0], GC.CollectionCount(1) - collectionsBefore[1], GC.CollectionCount(2) - collectionsBefore[2]];
        long workingSetPeak = workingSets.Max();

        output.WriteLine($"{passes:N0} passes of {arch} on {threads} threads in {elapsed.TotalSeconds:F1} s ({elapsed.TotalMilliseconds / passes:F2} ms each)");
        output.WriteLine($"allocated: caller {caller:N0} B, process {process:N0} B ({(double)process / passes:F2} B per pass); collections gen0/1/2 {string.Join('/', collections)}");
        output.WriteLine($"working set: {workingSetBefore / 1048576.0:F1} MiB after warm-up; every {passes / samples:N0} passes: " +
                         string.Join(", ", workingSets.Select(w => $"{w / 1048576.0:F1}")) + " MiB");

        Assert.Equal(expected, heatmaps); // still the same answer
        Assert.Equal(0, caller);
        if (!wholeProcess)
            return;
        // The process figure includes the runtime and the test runner (a few bytes per pass at most).
        Assert.True(process <= 64L * passes, $"{process:N0} B allocated in {passes:N0} passes");
        Assert.Equal(0, collections[2]);
        const long growthLimit = 16 << 20;
        Assert.True(workingSetPeak - workingSetBefore < growthLimit,
            $"working set grew from {workingSetBefore:N0} B to a peak of {workingSetPeak:N0} B");
    }
}

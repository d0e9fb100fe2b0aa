using System.Diagnostics;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>
/// The network under load from several callers at once (issue 13's library stress test): concurrent runs at mixed
/// input sizes and batch sizes equal sequential runs bit for bit, and Dispose while several callers are inside
/// <c>Run</c> ends every one of them promptly with <see cref="ObjectDisposedException"/>, never a hang. The 10,000-pass
/// memory soak is in <see cref="SoakTests"/>.
/// </summary>
public sealed class StressTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Input sizes (each but the first gets its own cached plan) and batch sizes that callers mix.</summary>
    private static readonly (int Height, int Width, int Batch)[] Jobs = [(64, 64, 1), (64, 64, 3), (128, 64, 1), (64, 128, 2), (128, 128, 1)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Concurrent_runs_at_mixed_sizes_equal_sequential_runs(int threads)
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64);
        using var net = HourglassNetwork.CreateRandom(arch, seed: 3, new HourglassOptions { MaxDegreeOfParallelism = threads });
        var random = new Random(4);
        var inputs = Jobs.Select(j => TestArrays.Uniform(random, j.Batch * 3 * j.Height * j.Width, 0, 1)).ToArray();
        var sequential = Jobs.Select((j, i) => net.Run(inputs[i], j.Height, j.Width)).ToArray();

        const int callers = 6, rounds = 3;
        var mismatches = new List<string>();
        using var start = new Barrier(callers);
        var workers = Enumerable.Range(0, callers).Select(c => new Thread(() =>
        {
            var outputs = sequential.Select(s => new float[s.Length]).ToArray();
            start.SignalAndWait();
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < Jobs.Length; k++)
                {
                    int i = (c + k) % Jobs.Length; // callers go through the jobs in different orders
                    net.Run(inputs[i], Jobs[i].Height, Jobs[i].Width, outputs[i]);
                    if (!outputs[i].AsSpan().SequenceEqual(sequential[i]))
                        lock (mismatches) mismatches.Add($"caller {c}, round {round}, job {Jobs[i]}");
                }
            }
        }) { IsBackground = true }).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers)
            Assert.True(worker.Join(Patience), $"a caller did not finish within {Patience.TotalSeconds:F0} s");

        Assert.True(mismatches.Count == 0, "differ from the sequential run: " + string.Join("; ", mismatches));
        Assert.NotEqual(sequential[0], sequential[1].AsSpan(0, sequential[0].Length).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Dispose_during_concurrent_runs_ends_every_caller_promptly(int threads)
    {
        var arch = new HourglassArchitecture(1, 32, 16, 128, 128);
        float[] input = TestArrays.Uniform(new Random(5), arch.InputSizePerImage, 0, 1);
        const int callers = 4;
        for (int trial = 0; trial < 4; trial++)
        {
            var net = HourglassNetwork.CreateRandom(arch, 2, new HourglassOptions { MaxDegreeOfParallelism = threads });
            var failures = new Exception?[callers];
            var runs = new int[callers];
            using var started = new CountdownEvent(callers);
            var workers = Enumerable.Range(0, callers).Select(c => new Thread(() =>
            {
                var output = new float[net.OutputLength(1)];
                started.Signal();
                try
                {
                    while (true)
                    {
                        net.Run(input, output);
                        runs[c]++;
                    }
                }
                catch (Exception e)
                {
                    failures[c] = e;
                }
            }) { IsBackground = true }).ToArray();
            foreach (var worker in workers) worker.Start();
            started.Wait();
            Thread.Sleep(2 + 5 * trial); // land in different layers of different runs

            var clock = Stopwatch.StartNew();
            net.Dispose();
            var disposeTime = clock.Elapsed;
            foreach (var worker in workers)
                Assert.True(worker.Join(Patience), $"{threads} thread(s), trial {trial}: a caller was still in Run {Patience.TotalSeconds:F0} s after Dispose");

            Assert.True(disposeTime < Patience, $"Dispose took {disposeTime}");
            // Each caller ends on ObjectDisposedException: a run in progress either completed or failed with it, and
            // the caller's next run failed with it. Nothing else (no NullReferenceException from a torn-down pool).
            Assert.All(failures, f => Assert.IsType<ObjectDisposedException>(f));
            Assert.Throws<ObjectDisposedException>(() => net.Run(input));
            net.Dispose();
        }
    }
}

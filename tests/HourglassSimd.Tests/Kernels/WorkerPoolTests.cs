using HourglassSimd.Threading;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Kernels;

[Collection(nameof(EngineSwitchCollection))]
public sealed class WorkerPoolTests
{
    private sealed class Counting(int count) : IParallelWork
    {
        public readonly int[] Hits = new int[count];
        public void Execute(int item) => Interlocked.Increment(ref Hits[item]);
    }

    private sealed class Failing : IParallelWork
    {
        public void Execute(int item)
        {
            if (item == 5)
                throw new InvalidOperationException("item 5 failed");
        }
    }

    /// <summary>Sleeps on the first item a worker (not the caller) runs, so the caller must take the rest of its share.</summary>
    private sealed class StallingWorker(int count, int callerThread) : IParallelWork
    {
        public readonly int[] Hits = new int[count];
        public int ByCaller;
        private int _stalled;

        public void Execute(int item)
        {
            if (Environment.CurrentManagedThreadId == callerThread)
            {
                Interlocked.Increment(ref ByCaller);
                Thread.Sleep(1); // long enough for the worker to start on its own share
            }
            else if (Interlocked.Exchange(ref _stalled, 1) == 0)
                Thread.Sleep(100);
            Interlocked.Increment(ref Hits[item]);
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(4, true)]
    [InlineData(2, false)]
    [InlineData(4, false)]
    public void Every_item_runs_exactly_once(int threads, bool contiguousShares)
    {
        bool saved = WorkerPool.ContiguousShares;
        try
        {
            WorkerPool.ContiguousShares = contiguousShares;
            using var pool = new WorkerPool(threads);
            for (int round = 0; round < 200; round++)
            {
                var work = new Counting(round % 37 + 1);
                pool.Run(work, work.Hits.Length);
                Assert.All(work.Hits, h => Assert.Equal(1, h));
            }
        }
        finally
        {
            WorkerPool.ContiguousShares = saved;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(16)]
    public void The_shares_cut_the_items_in_order_into_near_equal_runs(int threads)
    {
        foreach (int count in new[] { 0, 1, 2, 3, 7, 64, 1000 })
        {
            Assert.Equal(0, WorkerPool.ShareStart(count, 0, threads));
            Assert.Equal(count, WorkerPool.ShareStart(count, threads, threads));
            for (int t = 0; t < threads; t++)
            {
                int size = WorkerPool.ShareStart(count, t + 1, threads) - WorkerPool.ShareStart(count, t, threads);
                Assert.InRange(size, count / threads, (count + threads - 1) / threads);
            }
        }
    }

    [Fact]
    public void A_stalled_worker_s_share_is_taken_by_the_caller()
    {
        using var pool = new WorkerPool(2);
        pool.Run(new Counting(8), 8); // the worker is awake and spinning
        var work = new StallingWorker(40, Environment.CurrentManagedThreadId);
        pool.Run(work, 40);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
        // The worker slept on its first item (if it started one at all): the caller ran its own 20 items and the rest
        // of the worker's share in the meantime. Without taking over another thread's share it would have run 20.
        Assert.InRange(work.ByCaller, 39, 40);
    }

    [Fact]
    public void A_failing_item_surfaces_on_the_caller_and_the_pool_keeps_working()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(new Failing(), 100));
        Assert.Equal("item 5 failed", e.Message);
        var work = new Counting(50);
        pool.Run(work, 50);
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Workers_wake_after_sleeping()
    {
        using var pool = new WorkerPool(2);
        var first = new Counting(8);
        pool.Run(first, 8);
        Thread.Sleep(20); // longer than the spin phase: workers are asleep now
        var second = new Counting(8);
        pool.Run(second, 8);
        Assert.All(second.Hits, h => Assert.Equal(1, h));
    }
}

using HourglassSimd.Threading;

namespace HourglassSimd.Tests.Kernels;

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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Every_item_runs_exactly_once(int threads)
    {
        using var pool = new WorkerPool(threads);
        for (int round = 0; round < 200; round++)
        {
            var work = new Counting(round % 37 + 1);
            pool.Run(work, work.Hits.Length);
            Assert.All(work.Hits, h => Assert.Equal(1, h));
        }
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

using System.Diagnostics;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>
/// Dispose while another thread is inside Run: the run ends promptly, either done or with
/// <see cref="ObjectDisposedException"/>; never a hang (the pool once left its caller spinning for workers that had
/// exited), never another exception.
/// </summary>
public sealed class DisposeDuringRunTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Dispose_during_run_ends_the_run_promptly(int threads)
    {
        var arch = new HourglassArchitecture(2, 32, 16, 128, 128);
        float[] input = TestArrays.Uniform(new Random(1), arch.InputSizePerImage, 0, 1);
        for (int trial = 0; trial < 8; trial++)
        {
            var net = HourglassNetwork.CreateRandom(arch, 1, new HourglassOptions { MaxDegreeOfParallelism = threads });
            var output = new float[net.OutputLength(1)];
            net.Run(input, output); // warm: the plan and context exist
            Exception? failure = null;
            int runs = 0;
            using var started = new ManualResetEventSlim();
            var runner = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        started.Set();
                        net.Run(input, output);
                        runs++;
                    }
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }) { IsBackground = true };
            runner.Start();
            started.Wait();
            Thread.Sleep(1 + trial % 4 * 3);
            var clock = Stopwatch.StartNew();
            net.Dispose();
            Assert.True(runner.Join(TimeSpan.FromSeconds(10)), $"{threads} thread(s), trial {trial}: Run did not end within 10 s of Dispose");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
            Assert.IsType<ObjectDisposedException>(failure);
            net.Dispose(); // twice is harmless
        }
    }
}

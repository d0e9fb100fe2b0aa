using System.Diagnostics;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>Median and fastest milliseconds of one runner's timed passes.</summary>
internal readonly record struct RunnerTiming(double MedianMs, double MinMs);

/// <summary>
/// Times forward runners interleaved in one process: each runner's passes are spread over up to 5 rounds, and in each
/// round every runner runs a block of passes after a pause (another engine's spinning threads go idle), so that all
/// samples come from the same stretch of time and slow drifts of the machine hit every runner alike.
/// </summary>
internal static class InterleavedTimer
{
    /// <summary>Untimed passes per runner before the first round.</summary>
    public const int WarmupRuns = 3;

    /// <summary>Times each of <paramref name="runners"/> <paramref name="runs"/> times; the timings in the runners' order.</summary>
    public static IReadOnlyList<RunnerTiming> Time(IReadOnlyList<IForwardRunner> runners, int runs)
    {
        int rounds = Math.Min(runs, 5);
        var times = runners.Select(_ => new List<double>()).ToArray();
        foreach (var runner in runners)
            for (int i = 0; i < WarmupRuns; i++)
                runner.Run();
        for (int round = 0; round < rounds; round++)
        {
            for (int e = 0; e < runners.Count; e++)
            {
                Thread.Sleep(100);
                runners[e].Run(); // one untimed pass wakes the engine's threads
                int block = runs / rounds + (round < runs % rounds ? 1 : 0);
                for (int i = 0; i < block; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    runners[e].Run();
                    times[e].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        return times.Select(t =>
        {
            var sorted = t.Order().ToArray();
            int n = sorted.Length;
            return new RunnerTiming(n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2, sorted[0]);
        }).ToArray();
    }
}

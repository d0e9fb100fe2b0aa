using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// Runs seeded mutants through a reader, one at a time, each on its own thread under two bounds: a wall-clock limit
/// (<see cref="MutantTimeLimit"/>: past it the mutant counts as a hang) and the bytes the thread allocates
/// (<see cref="MutantAllocationLimit"/>, from <see cref="GC.GetAllocatedBytesForCurrentThread"/>). The process's peak working
/// set is checked against <see cref="ProcessPeakLimit"/> after each format. Mutant <c>i</c> of a format is made from
/// <c>new Random(seed * 1,000,003 + i)</c>, so a failure's seed, format and index reproduce it.
/// </summary>
public static class FuzzCampaign
{
    /// <summary>The seed every format's campaign starts from (HOURGLASS_FUZZ_SEED overrides it).</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("HOURGLASS_FUZZ_SEED"), out int s) ? s : 13;

    /// <summary>Mutants per format in the in-process pass.</summary>
    public const int MutantsPerFormat = 1000;

    /// <summary>One mutant's wall-clock limit: a reader still busy after it is a hang.</summary>
    public static readonly TimeSpan MutantTimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes one mutant's reader may allocate on its thread: 256 MiB.</summary>
    public const long MutantAllocationLimit = 256L << 20;

    /// <summary>The most the test process's working set may ever have reached after a format's campaign: 2 GiB.</summary>
    public const long ProcessPeakLimit = 2L << 30;

    private static readonly object SummaryGate = new();

    /// <summary>
    /// Runs <paramref name="count"/> mutants of <paramref name="format"/>: <paramref name="mutate"/> makes mutant bytes
    /// from its random source, <paramref name="target"/> reads them, <paramref name="isTyped"/> says whether an exception
    /// is one the format's reader documents. Fails the test, naming seed, format and mutant index, on anything else.
    /// </summary>
    public static FuzzSummary Run(string format, int count, Func<Random, byte[]> mutate, Action<byte[]> target, Func<Exception, bool> isTyped,
        ITestOutputHelper output)
    {
        var failures = new List<string>();
        int tried = 0, succeeded = 0, typed = 0, other = 0;
        TimeSpan worstTime = TimeSpan.Zero;
        long worstAllocated = 0;
        var total = Stopwatch.StartNew();
        for (int index = 0; index < count; index++)
        {
            byte[] mutant = mutate(new Random(unchecked((Seed * 1_000_003) + index)));
            Exception? error = null;
            long allocated = 0;
            var watch = Stopwatch.StartNew();
            var worker = new Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    target(mutant);
                }
                catch (Exception e)
                {
                    error = e;
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"fuzz {format} #{index}" };
            worker.Start();
            bool finished = worker.Join(MutantTimeLimit);
            watch.Stop();
            string where = $"format {format}, seed {Seed}, mutant {index} ({mutant.Length} bytes)";
            bool failed = !finished || allocated > MutantAllocationLimit || (error is not null && !isTyped(error));
            if (failed && Environment.GetEnvironmentVariable("HOURGLASS_FUZZ_DUMP") is { Length: > 0 } dump)
            {
                // The failing mutant's bytes, to open with the CLI or a debugger.
                Directory.CreateDirectory(dump);
                File.WriteAllBytes(Path.Combine(dump, $"{format.TrimStart('.')}-{Seed}-{index}.bin"), mutant);
            }
            if (!finished)
            {
                tried++;
                other++;
                failures.Add($"{where}: still running after {MutantTimeLimit.TotalSeconds:F0} s (a hang); the campaign of this format stops here.");
                break; // the thread cannot be stopped; later mutants would share the CPU with it
            }
            tried++;
            if (watch.Elapsed > worstTime)
                worstTime = watch.Elapsed;
            worstAllocated = Math.Max(worstAllocated, allocated);
            if (allocated > MutantAllocationLimit)
            {
                other++;
                failures.Add($"{where}: allocated {allocated} bytes, over the limit of {MutantAllocationLimit}.");
            }
            else if (error is null)
                succeeded++;
            else if (isTyped(error))
                typed++;
            else
            {
                other++;
                failures.Add($"{where}: {error.GetType().FullName}: {error.Message}\n{error.StackTrace}");
            }
        }
        total.Stop();
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var summary = new FuzzSummary(format, tried, succeeded, typed, other, worstTime,
            worstAllocated, peak, total.Elapsed);
        Report(summary, output);
        if (peak > ProcessPeakLimit)
            failures.Add($"format {format}, seed {Seed}: the process's peak working set reached {peak} bytes, over {ProcessPeakLimit}.");
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} mutant(s) of {format} ended otherwise than in success or a typed error:\n" +
                string.Join("\n\n", failures.Take(10)));
        return summary;
    }

    /// <summary>
    /// Writes <paramref name="line"/> to the test's output and appends it to <c>fuzz-summary.txt</c> next to the tests
    /// (or the file HOURGLASS_FUZZ_SUMMARY names), which .ci/run prints after the Fuzz category.
    /// </summary>
    public static void Report(object line, ITestOutputHelper output)
    {
        string text = line.ToString()!;
        output.WriteLine(text);
        string path = Environment.GetEnvironmentVariable("HOURGLASS_FUZZ_SUMMARY") is { Length: > 0 } file
            ? file
            : Path.Combine(AppContext.BaseDirectory, "fuzz-summary.txt");
        lock (SummaryGate)
            File.AppendAllText(path, text + "\n", Encoding.UTF8);
    }
}

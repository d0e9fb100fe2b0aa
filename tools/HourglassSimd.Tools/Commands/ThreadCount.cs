namespace HourglassSimd.Tools.Commands;

/// <summary>The range every command's <c>--threads</c> must be in, checked before anything slow starts.</summary>
internal static class ThreadCount
{
    /// <exception cref="ArgumentException"><paramref name="threads"/> is below 1 or above the engine's cap.</exception>
    public static int Check(int threads)
    {
        int most = HourglassOptions.MaxThreadsPerProcessor * Environment.ProcessorCount;
        if (threads < 1 || threads > most)
            throw new ArgumentException(
                $"--threads is {threads}; it must be from 1 to {most} ({HourglassOptions.MaxThreadsPerProcessor} per processor, {Environment.ProcessorCount} processors here).");
        return threads;
    }
}

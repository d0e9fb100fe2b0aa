namespace HourglassSimd.TestSupport;

/// <summary>
/// Checks that a warm operation allocates no managed memory on the calling thread. An operation that allocates does so
/// in every window of passes; the runtime itself can allocate once on the thread while a method tiers up (in a busy
/// test process that happens late: 4,176 bytes in one window of a full-suite run, 7,840 in another), so the check
/// passes when one of several windows allocates nothing, and reports every window's bytes when none does.
/// </summary>
public static class WarmAllocations
{
    /// <summary>Measures up to <paramref name="maxWindows"/> windows of <paramref name="passesPerWindow"/> passes,
    /// stopping at the first that allocates nothing; returns the bytes of each window measured.</summary>
    public static IReadOnlyList<long> Windows(Action pass, int passesPerWindow = 3, int maxWindows = 5)
    {
        var windows = new List<long>();
        for (int w = 0; w < maxWindows && (windows.Count == 0 || windows[^1] != 0); w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < passesPerWindow; i++)
                pass();
            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return windows;
    }

    /// <summary>Fails, naming <paramref name="what"/> and the bytes of each window, unless a window allocated nothing.</summary>
    public static void AssertNone(Action pass, string what, int passesPerWindow = 3)
    {
        var windows = Windows(pass, passesPerWindow);
        Xunit.Assert.True(windows[^1] == 0,
            $"{what}: managed bytes allocated per window of {passesPerWindow} passes: {string.Join(", ", windows)}");
    }
}

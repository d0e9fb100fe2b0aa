using System.Runtime.InteropServices;

namespace HourglassSimd.Training;

/// <summary>
/// Makes glibc's <c>malloc</c> keep the memory libtorch frees, so that each training step reuses the last step's pages
/// instead of mapping fresh ones.
/// </summary>
/// <remarks>
/// <para>
/// Why: libtorch's CPU tensors come from <c>malloc</c>. glibc serves every block above its mmap threshold (128 KiB at
/// first, rising to at most 32 MiB) with a fresh <c>mmap</c> and returns it with <c>munmap</c> on free, and it trims the
/// heap's top back to the system above 128 KiB. A training step allocates and frees most of its activations and
/// gradients, several MiB each, so every step faulted all of them in again: the kernel's page faults and zeroing took
/// about 30% of the trainers' CPU time (two 2-stack networks at 128x128, batch 16, side by side: 34,000 and 45,000
/// minor faults a second), and the first 150 steps of the demo model's settings ran 2.2 to 2.4x faster with them gone
/// (docs/training.md, "Page faults: glibc's malloc").
/// </para>
/// <para>
/// How: <c>mallopt(M_MMAP_MAX, 0)</c> (no block is mapped on its own; all come from the heaps) and
/// <c>mallopt(M_TRIM_THRESHOLD, int.MaxValue)</c> (freed memory stays with the process). The process keeps its peak heap
/// until it exits, which suits a training or evaluation run. Only on Linux with glibc (found by its
/// <c>gnu_get_libc_version</c> export); elsewhere nothing changes. Left alone when the user tuned malloc already
/// (<c>GLIBC_TUNABLES</c> naming <c>glibc.malloc.*</c>, a <c>MALLOC_*_</c> variable, or <c>MALLOC_ARENA_MAX</c>), or with
/// <c>HOURGLASS_MALLOC=glibc</c>, which keeps glibc's defaults.
/// </para>
/// </remarks>
public sealed record NativeHeapRetention
{
    /// <summary><c>glibc</c> keeps glibc's own malloc settings; anything else, or nothing, applies the retention.</summary>
    public const string OptionVariable = "HOURGLASS_MALLOC";

    /// <summary>The value of <see cref="OptionVariable"/> that keeps glibc's defaults.</summary>
    public const string KeepDefaults = "glibc";

    // mallopt parameters from glibc's <malloc.h>.
    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    private static readonly string[] UserMallocVariables =
        ["MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX"];

    private static readonly Lock Gate = new();
    private static NativeHeapRetention? applied;

    private NativeHeapRetention(bool retained, string description)
    {
        Retained = retained;
        Description = description;
    }

    /// <summary>Whether malloc keeps freed memory in this process after <see cref="Apply"/>.</summary>
    public bool Retained { get; }

    /// <summary>One phrase for logs, e.g. <c>glibc malloc keeps freed memory (HOURGLASS_MALLOC=glibc for its defaults)</c>.</summary>
    public string Description { get; }

    /// <summary>Decides once per process (the first call wins); cheap after the first call. Every libtorch network of
    /// this project (<see cref="PoseNet"/>) calls it before it allocates.</summary>
    public static NativeHeapRetention Apply()
    {
        lock (Gate)
        {
            return applied ??= Decide();
        }
    }

    private static NativeHeapRetention Decide()
    {
        if (!OperatingSystem.IsLinux()
            || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)
            || !NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
            || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr mallopt))
        {
            return new NativeHeapRetention(false, "malloc as the system ships it (not glibc)");
        }

        if (string.Equals(NativeEnvironment.Get(OptionVariable)?.Trim(), KeepDefaults, StringComparison.OrdinalIgnoreCase))
        {
            return new NativeHeapRetention(false, $"glibc malloc defaults ({OptionVariable}={KeepDefaults})");
        }

        if (UserTuning() is { } tuning)
        {
            return new NativeHeapRetention(false, $"glibc malloc as the user tuned it ({tuning})");
        }

        unsafe
        {
            var set = (delegate* unmanaged<int, int, int>)mallopt;
            bool done = set(MMmapMax, 0) == 1 && set(MTrimThreshold, int.MaxValue) == 1;
            return done
                ? new NativeHeapRetention(true, $"glibc malloc keeps freed memory ({OptionVariable}={KeepDefaults} for its defaults)")
                : new NativeHeapRetention(false, "glibc malloc defaults (mallopt refused the retention)");
        }
    }

    /// <summary>The user's own malloc setting, if any, by name.</summary>
    private static string? UserTuning()
    {
        if (NativeEnvironment.Get("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
        {
            return "GLIBC_TUNABLES";
        }

        return UserMallocVariables.FirstOrDefault(name => NativeEnvironment.Get(name) is not null);
    }
}

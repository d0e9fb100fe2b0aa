using Xunit;

namespace HourglassSimd.TestSupport;

/// <summary>A fact that needs <c>/dev/null</c>, <c>/dev/zero</c> and <c>mkfifo</c>; skipped, with the reason, where they are absent (Windows).</summary>
public sealed class UnixFileSystemFactAttribute : FactAttribute
{
    public UnixFileSystemFactAttribute()
    {
        if (!SpecialFiles.Available)
            Skip = "needs a Unix file system with /dev/null, /dev/zero and mkfifo";
    }
}

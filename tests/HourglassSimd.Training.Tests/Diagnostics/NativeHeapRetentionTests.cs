using System.Runtime.InteropServices;

namespace HourglassSimd.Training.Tests;

public sealed class NativeHeapRetentionTests
{
    /// <summary>
    /// With glibc's defaults a block of 40 MiB, above the largest threshold glibc ever moves its mmap threshold to
    /// (32 MiB on 64-bit), is always a mapping of its own, returned to the kernel on free and faulted in again at the
    /// next allocation. Retained, it must come from a heap. glibc marks a mapped block in its chunk header, the word
    /// before the block: bit 1 (IS_MMAPPED), a layout glibc has kept since its first ptmalloc.
    /// </summary>
    [Fact]
    public unsafe void Large_blocks_come_from_the_heap_not_from_their_own_mappings()
    {
        NativeHeapRetention state = NativeHeapRetention.Apply();
        Assert.Same(state, NativeHeapRetention.Apply());
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(state.Retained, state.Description);
            return;
        }

        Assert.True(state.Retained, state.Description);
        Assert.Equal("glibc malloc keeps freed memory (HOURGLASS_MALLOC=glibc for its defaults)", state.Description);
        const nuint size = 40 << 20;
        for (int round = 0; round < 3; round++)
        {
            byte* block = (byte*)NativeMemory.Alloc(size);
            try
            {
                nuint header = *((nuint*)block - 1);
                Assert.True((header & 2) == 0, $"round {round}: the 40 MiB block is a mapping of its own (chunk header 0x{header:x})");
            }
            finally
            {
                NativeMemory.Free(block);
            }
        }
    }
}

namespace HourglassSimd;

/// <summary>The instruction-set path the engine's kernels run on.</summary>
public enum KernelIsa
{
    /// <summary>Pick the widest accelerated path this CPU has (the default).</summary>
    Auto = 0,

    /// <summary>Plain scalar reference kernels on NCHW data: slow, obviously correct, runs anywhere.</summary>
    Scalar = 1,

    /// <summary>Vector256 kernels (AVX2 + FMA) on channel-blocked (NCHW16c) data.</summary>
    Vector256 = 2,

    /// <summary>Vector512 kernels (AVX-512F) on channel-blocked (NCHW16c) data.</summary>
    Vector512 = 3,

    /// <summary>
    /// Vector128 kernels on channel-blocked (NCHW16c) data: NEON on ARM64, SSE with FMA on x64 CPUs without AVX2.
    /// (Numbered after the others so that their values stay as released.)
    /// </summary>
    Vector128 = 4,
}

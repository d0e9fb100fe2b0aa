namespace HourglassSimd.Tests.Support;

/// <summary>
/// Both SIMD paths are forced in tests. The cross-platform Vector APIs run (slowly, in software) where the
/// hardware lacks a width, so both paths are exercised on every machine.
/// </summary>
internal static class SimdPaths
{
    public static TheoryData<KernelIsa> Both => new() { KernelIsa.Vector256, KernelIsa.Vector512 };

    public static TheoryData<KernelIsa> All => new() { KernelIsa.Scalar, KernelIsa.Vector256, KernelIsa.Vector512 };
}

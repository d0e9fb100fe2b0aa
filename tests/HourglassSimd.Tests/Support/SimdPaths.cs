using HourglassSimd.Kernels;

namespace HourglassSimd.Tests.Support;

/// <summary>
/// The kernel paths tests force, as theory data: every <see cref="SimdKernelSet"/> (the cross-platform Vector APIs
/// run, slowly, in software where the hardware lacks a width, so every path is exercised on every machine).
/// </summary>
internal static class SimdPaths
{
    /// <summary>The SIMD paths.</summary>
    public static TheoryData<KernelIsa> Simd => new(SimdKernelSet.All.Select(k => k.Isa));

    /// <summary>The scalar reference path and the SIMD paths.</summary>
    public static TheoryData<KernelIsa> All => new(SimdKernelSet.All.Select(k => k.Isa).Prepend(KernelIsa.Scalar));
}

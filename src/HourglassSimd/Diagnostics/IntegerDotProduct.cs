using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Diagnostics;

/// <summary>
/// The x64 instruction sequences that multiply integers and accumulate into 32-bit lanes, as a quantized
/// convolution would use them. <see cref="PeakIntegerOps"/> measures each one's rate on this CPU.
/// </summary>
public enum IntegerDotProduct
{
    /// <summary><c>vpdpbusd</c> (AVX-VNNI, 256-bit): u8 x s8, four products summed into each 32-bit lane, 32 per instruction.</summary>
    Int8AvxVnni256,

    /// <summary>
    /// <c>vpmaddubsw</c> then <c>vpmaddwd</c> by ones then <c>vpaddd</c> (AVX512BW, 512-bit): 64 u8 x s8 products per
    /// three instructions; the pair sums in <c>vpmaddubsw</c> saturate at 16 bits, which a kernel must design around.
    /// </summary>
    Int8Avx512BwPair,

    /// <summary>The same three instructions at 256 bits (AVX2): 32 products; the fallback for CPUs without VNNI.</summary>
    Int8Avx2Pair,

    /// <summary><c>vpdpwssd</c> (AVX-VNNI, 256-bit): s16 x s16, two products summed into each 32-bit lane, 16 per instruction.</summary>
    Int16AvxVnni256,

    /// <summary><c>vpmaddwd</c> then <c>vpaddd</c> (AVX512BW, 512-bit): 32 s16 x s16 products per two instructions.</summary>
    Int16Avx512Bw,
}

/// <summary>Facts about <see cref="IntegerDotProduct"/> sequences.</summary>
public static class IntegerDotProducts
{
    /// <summary>Every sequence, in declaration order.</summary>
    public static IReadOnlyList<IntegerDotProduct> All { get; } = Enum.GetValues<IntegerDotProduct>();

    /// <summary>Whether this CPU (and runtime) can run <paramref name="path"/>.</summary>
    public static bool IsSupported(IntegerDotProduct path) => path switch
    {
        IntegerDotProduct.Int8AvxVnni256 or IntegerDotProduct.Int16AvxVnni256 => AvxVnni.IsSupported,
        IntegerDotProduct.Int8Avx512BwPair or IntegerDotProduct.Int16Avx512Bw => Avx512BW.IsSupported,
        IntegerDotProduct.Int8Avx2Pair => Avx2.IsSupported,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown integer dot-product sequence."),
    };

    /// <summary>Integer multiplications done by one step of <paramref name="path"/> (one accumulator update).</summary>
    public static int ProductsPerStep(IntegerDotProduct path) => path switch
    {
        IntegerDotProduct.Int8AvxVnni256 => 32,
        IntegerDotProduct.Int8Avx512BwPair => 64,
        IntegerDotProduct.Int8Avx2Pair => 32,
        IntegerDotProduct.Int16AvxVnni256 => 16,
        IntegerDotProduct.Int16Avx512Bw => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown integer dot-product sequence."),
    };
}

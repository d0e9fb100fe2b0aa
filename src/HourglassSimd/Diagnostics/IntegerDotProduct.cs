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

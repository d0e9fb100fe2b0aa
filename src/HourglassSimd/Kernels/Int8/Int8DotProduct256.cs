using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// One u8 x s8 dot-product step at 256 bits: each 32-bit lane of the accumulator adds the four products of the
/// lane's four u8 inputs and four s8 weights. Kernels are generic over it, so each instantiation is one instruction
/// sequence with no branch.
/// </summary>
internal interface IInt8DotProduct256
{
    /// <summary>Whether this CPU runs the sequence.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Whether any s8 weight gives the exact sum; otherwise weights must lie in [<see cref="Int8DirectConv.MinPairWeight"/>, <see cref="Int8DirectConv.MaxPairWeight"/>].</summary>
    static abstract bool TakesFullRangeWeights { get; }

    static abstract Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<byte> inputs, Vector256<sbyte> weights);
}

/// <summary><c>vpdpbusd</c> (AVX-VNNI): exact for every u8 and s8 value.</summary>
internal readonly struct VnniDotProduct256 : IInt8DotProduct256
{
    public static bool IsSupported => AvxVnni.IsSupported;

    public static bool TakesFullRangeWeights => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<byte> inputs, Vector256<sbyte> weights) =>
        AvxVnni.MultiplyWideningAndAdd(accumulator, inputs, weights);
}

/// <summary>
/// <c>vpmaddubsw</c>, <c>vpmaddwd</c> by ones, <c>vpaddd</c> (AVX2), for CPUs without VNNI. The first instruction adds
/// two u8 x s8 products in a saturating int16: 255 · 127 · 2 overflows it, 255 · 64 · 2 = 32,640 does not, so the sum
/// is exact only for weights in [−64, 63] (7-bit weights, as MLAS and oneDNN do on such CPUs).
/// </summary>
internal readonly struct PairDotProduct256 : IInt8DotProduct256
{
    public static bool IsSupported => Avx2.IsSupported;

    public static bool TakesFullRangeWeights => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<byte> inputs, Vector256<sbyte> weights) =>
        accumulator + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(inputs, weights), Vector256<short>.One);
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels.Int16;

/// <summary>
/// One s16 x s16 dot-product step at 256 bits: each 32-bit lane of the accumulator adds the two products of the lane's
/// two s16 inputs and two s16 weights. Kernels are generic over it, so each instantiation is one instruction sequence
/// with no branch. Both implementations are exact for every input except the pair (−32768, −32768) twice, which
/// <see cref="Int16DirectConv"/>'s bounds exclude.
/// </summary>
internal interface IInt16DotProduct256
{
    /// <summary>Whether this CPU runs the sequence.</summary>
    static abstract bool IsSupported { get; }

    static abstract Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<short> inputs, Vector256<short> weights);
}

/// <summary><c>vpdpwssd</c> (AVX-VNNI): the multiply, pair sum and accumulate in one instruction.</summary>
internal readonly struct Int16VnniDotProduct256 : IInt16DotProduct256
{
    public static bool IsSupported => AvxVnni.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<short> inputs, Vector256<short> weights) =>
        AvxVnni.MultiplyWideningAndAdd(accumulator, inputs, weights);
}

/// <summary>
/// <c>vpmaddwd</c> then <c>vpaddd</c> (AVX2), for CPUs without VNNI. Unlike the u8 x s8 pair of the int8 kernel there is
/// no saturating intermediate: the pair sum is already int32, so any weight within the bounds is exact.
/// </summary>
internal readonly struct Int16PairDotProduct256 : IInt16DotProduct256
{
    public static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Accumulate(Vector256<int> accumulator, Vector256<short> inputs, Vector256<short> weights) =>
        accumulator + Avx2.MultiplyAddAdjacent(inputs, weights);
}

using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Diagnostics;

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

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Diagnostics;

/// <summary>
/// Measures this machine's peak rate of integer multiply-accumulate for each <see cref="IntegerDotProduct"/>
/// sequence from C#: 16 independent accumulator chains per thread, no memory traffic. It says whether a quantized
/// kernel can beat the float path at all: the float peak is <see cref="PeakFlops"/>. The values wrap, which does not
/// change the instruction rate.
/// </summary>
public static class PeakIntegerOps
{
    private const int Chains = 16;

    /// <summary>
    /// Measured giga-operations per second (2 per integer product: a multiply and an add, as FLOPS count an FMA) on
    /// <paramref name="threads"/> threads, best of a few rounds.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">This CPU lacks the instructions of <paramref name="path"/>.</exception>
    public static double Measure(IntegerDotProduct path, int threads, TimeSpan? duration = null)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        if (!IntegerDotProducts.IsSupported(path))
            throw new PlatformNotSupportedException($"This CPU cannot run {path}.");
        long iterations = 1_000_000;
        var target = duration ?? TimeSpan.FromMilliseconds(200);
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Run(path, iterations));
            double seconds = watch.Elapsed.TotalSeconds;
            best = Math.Max(best, (double)iterations * Chains * IntegerDotProducts.ProductsPerStep(path) * 2 * threads / seconds / 1e9);
            // Grow the loop until one round lasts about the target duration.
            if (seconds < target.TotalSeconds / 2)
            {
                iterations = (long)(iterations * target.TotalSeconds / Math.Max(seconds, 1e-4));
                round--;
                best = 0;
            }
        }
        return best;
    }

    private static int Run(IntegerDotProduct path, long iterations) => path switch
    {
        IntegerDotProduct.Int8AvxVnni256 => Int8Vnni256(iterations),
        IntegerDotProduct.Int8Avx512BwPair => Int8Pair512(iterations),
        IntegerDotProduct.Int8Avx2Pair => Int8Pair256(iterations),
        IntegerDotProduct.Int16AvxVnni256 => Int16Vnni256(iterations),
        IntegerDotProduct.Int16Avx512Bw => Int16Madd512(iterations),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown integer dot-product sequence."),
    };

    /// <summary>vpdpbusd chains: the accumulator is the only dependency.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Int8Vnni256(long iterations)
    {
        Vector256<byte> a8 = Vector256.Create((byte)3);
        Vector256<sbyte> b8 = Vector256.Create((sbyte)-2);
        Vector256<int> c0 = Vector256.Create(1);
        Vector256<int> c1 = Vector256.Create(1);
        Vector256<int> c2 = Vector256.Create(1);
        Vector256<int> c3 = Vector256.Create(1);
        Vector256<int> c4 = Vector256.Create(1);
        Vector256<int> c5 = Vector256.Create(1);
        Vector256<int> c6 = Vector256.Create(1);
        Vector256<int> c7 = Vector256.Create(1);
        Vector256<int> c8 = Vector256.Create(1);
        Vector256<int> c9 = Vector256.Create(1);
        Vector256<int> c10 = Vector256.Create(1);
        Vector256<int> c11 = Vector256.Create(1);
        Vector256<int> c12 = Vector256.Create(1);
        Vector256<int> c13 = Vector256.Create(1);
        Vector256<int> c14 = Vector256.Create(1);
        Vector256<int> c15 = Vector256.Create(1);
        for (long i = 0; i < iterations; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, a8, b8);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, a8, b8);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, a8, b8);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, a8, b8);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, a8, b8);
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, a8, b8);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, a8, b8);
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, a8, b8);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, a8, b8);
            c9 = AvxVnni.MultiplyWideningAndAdd(c9, a8, b8);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, a8, b8);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, a8, b8);
            c12 = AvxVnni.MultiplyWideningAndAdd(c12, a8, b8);
            c13 = AvxVnni.MultiplyWideningAndAdd(c13, a8, b8);
            c14 = AvxVnni.MultiplyWideningAndAdd(c14, a8, b8);
            c15 = AvxVnni.MultiplyWideningAndAdd(c15, a8, b8);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
    }

    /// <summary>vpmaddubsw, vpmaddwd, vpaddd chains; the accumulator feeds the u8 operand so nothing is loop-invariant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Int8Pair512(long iterations)
    {
        Vector512<sbyte> b8x = Vector512.Create((sbyte)-2);
        Vector512<short> ones16x = Vector512.Create((short)1);
        Vector512<int> c0 = Vector512.Create(1);
        Vector512<int> c1 = Vector512.Create(1);
        Vector512<int> c2 = Vector512.Create(1);
        Vector512<int> c3 = Vector512.Create(1);
        Vector512<int> c4 = Vector512.Create(1);
        Vector512<int> c5 = Vector512.Create(1);
        Vector512<int> c6 = Vector512.Create(1);
        Vector512<int> c7 = Vector512.Create(1);
        Vector512<int> c8 = Vector512.Create(1);
        Vector512<int> c9 = Vector512.Create(1);
        Vector512<int> c10 = Vector512.Create(1);
        Vector512<int> c11 = Vector512.Create(1);
        Vector512<int> c12 = Vector512.Create(1);
        Vector512<int> c13 = Vector512.Create(1);
        Vector512<int> c14 = Vector512.Create(1);
        Vector512<int> c15 = Vector512.Create(1);
        for (long i = 0; i < iterations; i++)
        {
            c0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c0.AsByte(), b8x), ones16x);
            c1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c1.AsByte(), b8x), ones16x);
            c2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c2.AsByte(), b8x), ones16x);
            c3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c3.AsByte(), b8x), ones16x);
            c4 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c4.AsByte(), b8x), ones16x);
            c5 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c5.AsByte(), b8x), ones16x);
            c6 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c6.AsByte(), b8x), ones16x);
            c7 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c7.AsByte(), b8x), ones16x);
            c8 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c8.AsByte(), b8x), ones16x);
            c9 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c9.AsByte(), b8x), ones16x);
            c10 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c10.AsByte(), b8x), ones16x);
            c11 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c11.AsByte(), b8x), ones16x);
            c12 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c12.AsByte(), b8x), ones16x);
            c13 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c13.AsByte(), b8x), ones16x);
            c14 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c14.AsByte(), b8x), ones16x);
            c15 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c15.AsByte(), b8x), ones16x);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
    }

    /// <summary>The same three instructions at 256 bits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Int8Pair256(long iterations)
    {
        Vector256<sbyte> b8 = Vector256.Create((sbyte)-2);
        Vector256<short> ones16 = Vector256.Create((short)1);
        Vector256<int> c0 = Vector256.Create(1);
        Vector256<int> c1 = Vector256.Create(1);
        Vector256<int> c2 = Vector256.Create(1);
        Vector256<int> c3 = Vector256.Create(1);
        Vector256<int> c4 = Vector256.Create(1);
        Vector256<int> c5 = Vector256.Create(1);
        Vector256<int> c6 = Vector256.Create(1);
        Vector256<int> c7 = Vector256.Create(1);
        Vector256<int> c8 = Vector256.Create(1);
        Vector256<int> c9 = Vector256.Create(1);
        Vector256<int> c10 = Vector256.Create(1);
        Vector256<int> c11 = Vector256.Create(1);
        Vector256<int> c12 = Vector256.Create(1);
        Vector256<int> c13 = Vector256.Create(1);
        Vector256<int> c14 = Vector256.Create(1);
        Vector256<int> c15 = Vector256.Create(1);
        for (long i = 0; i < iterations; i++)
        {
            c0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c0.AsByte(), b8), ones16);
            c1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c1.AsByte(), b8), ones16);
            c2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c2.AsByte(), b8), ones16);
            c3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c3.AsByte(), b8), ones16);
            c4 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c4.AsByte(), b8), ones16);
            c5 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c5.AsByte(), b8), ones16);
            c6 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c6.AsByte(), b8), ones16);
            c7 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c7.AsByte(), b8), ones16);
            c8 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c8.AsByte(), b8), ones16);
            c9 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c9.AsByte(), b8), ones16);
            c10 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c10.AsByte(), b8), ones16);
            c11 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c11.AsByte(), b8), ones16);
            c12 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c12.AsByte(), b8), ones16);
            c13 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c13.AsByte(), b8), ones16);
            c14 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c14.AsByte(), b8), ones16);
            c15 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c15.AsByte(), b8), ones16);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
    }

    /// <summary>vpdpwssd chains.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Int16Vnni256(long iterations)
    {
        Vector256<short> a16 = Vector256.Create((short)3);
        Vector256<short> b16 = Vector256.Create((short)-2);
        Vector256<int> c0 = Vector256.Create(1);
        Vector256<int> c1 = Vector256.Create(1);
        Vector256<int> c2 = Vector256.Create(1);
        Vector256<int> c3 = Vector256.Create(1);
        Vector256<int> c4 = Vector256.Create(1);
        Vector256<int> c5 = Vector256.Create(1);
        Vector256<int> c6 = Vector256.Create(1);
        Vector256<int> c7 = Vector256.Create(1);
        Vector256<int> c8 = Vector256.Create(1);
        Vector256<int> c9 = Vector256.Create(1);
        Vector256<int> c10 = Vector256.Create(1);
        Vector256<int> c11 = Vector256.Create(1);
        Vector256<int> c12 = Vector256.Create(1);
        Vector256<int> c13 = Vector256.Create(1);
        Vector256<int> c14 = Vector256.Create(1);
        Vector256<int> c15 = Vector256.Create(1);
        for (long i = 0; i < iterations; i++)
        {
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, a16, b16);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, a16, b16);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, a16, b16);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, a16, b16);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, a16, b16);
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, a16, b16);
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, a16, b16);
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, a16, b16);
            c8 = AvxVnni.MultiplyWideningAndAdd(c8, a16, b16);
            c9 = AvxVnni.MultiplyWideningAndAdd(c9, a16, b16);
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, a16, b16);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, a16, b16);
            c12 = AvxVnni.MultiplyWideningAndAdd(c12, a16, b16);
            c13 = AvxVnni.MultiplyWideningAndAdd(c13, a16, b16);
            c14 = AvxVnni.MultiplyWideningAndAdd(c14, a16, b16);
            c15 = AvxVnni.MultiplyWideningAndAdd(c15, a16, b16);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
    }

    /// <summary>vpmaddwd, vpaddd chains; the accumulator feeds one operand.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Int16Madd512(long iterations)
    {
        Vector512<short> b16x = Vector512.Create((short)-2);
        Vector512<int> c0 = Vector512.Create(1);
        Vector512<int> c1 = Vector512.Create(1);
        Vector512<int> c2 = Vector512.Create(1);
        Vector512<int> c3 = Vector512.Create(1);
        Vector512<int> c4 = Vector512.Create(1);
        Vector512<int> c5 = Vector512.Create(1);
        Vector512<int> c6 = Vector512.Create(1);
        Vector512<int> c7 = Vector512.Create(1);
        Vector512<int> c8 = Vector512.Create(1);
        Vector512<int> c9 = Vector512.Create(1);
        Vector512<int> c10 = Vector512.Create(1);
        Vector512<int> c11 = Vector512.Create(1);
        Vector512<int> c12 = Vector512.Create(1);
        Vector512<int> c13 = Vector512.Create(1);
        Vector512<int> c14 = Vector512.Create(1);
        Vector512<int> c15 = Vector512.Create(1);
        for (long i = 0; i < iterations; i++)
        {
            c0 += Avx512BW.MultiplyAddAdjacent(c0.AsInt16(), b16x);
            c1 += Avx512BW.MultiplyAddAdjacent(c1.AsInt16(), b16x);
            c2 += Avx512BW.MultiplyAddAdjacent(c2.AsInt16(), b16x);
            c3 += Avx512BW.MultiplyAddAdjacent(c3.AsInt16(), b16x);
            c4 += Avx512BW.MultiplyAddAdjacent(c4.AsInt16(), b16x);
            c5 += Avx512BW.MultiplyAddAdjacent(c5.AsInt16(), b16x);
            c6 += Avx512BW.MultiplyAddAdjacent(c6.AsInt16(), b16x);
            c7 += Avx512BW.MultiplyAddAdjacent(c7.AsInt16(), b16x);
            c8 += Avx512BW.MultiplyAddAdjacent(c8.AsInt16(), b16x);
            c9 += Avx512BW.MultiplyAddAdjacent(c9.AsInt16(), b16x);
            c10 += Avx512BW.MultiplyAddAdjacent(c10.AsInt16(), b16x);
            c11 += Avx512BW.MultiplyAddAdjacent(c11.AsInt16(), b16x);
            c12 += Avx512BW.MultiplyAddAdjacent(c12.AsInt16(), b16x);
            c13 += Avx512BW.MultiplyAddAdjacent(c13.AsInt16(), b16x);
            c14 += Avx512BW.MultiplyAddAdjacent(c14.AsInt16(), b16x);
            c15 += Avx512BW.MultiplyAddAdjacent(c15.AsInt16(), b16x);
        }
        return (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15).ToScalar();
    }
}

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
        IntegerDotProduct.Int8AvxVnni256 => Loop<Int8Vnni256, Vector256<int>>(iterations),
        IntegerDotProduct.Int8Avx512BwPair => Loop<Int8Pair512, Vector512<int>>(iterations),
        IntegerDotProduct.Int8Avx2Pair => Loop<Int8Pair256, Vector256<int>>(iterations),
        IntegerDotProduct.Int16AvxVnni256 => Loop<Int16Vnni256, Vector256<int>>(iterations),
        IntegerDotProduct.Int16Avx512Bw => Loop<Int16Madd512, Vector512<int>>(iterations),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown integer dot-product sequence."),
    };

    /// <summary>16 independent chains of <typeparamref name="TStep"/>; the result combines them so none is dead code.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TStep, TAcc>(long iterations) where TStep : struct, IStep<TAcc> where TAcc : struct
    {
        TAcc start = TStep.Start;
        TAcc c0 = start, c1 = start, c2 = start, c3 = start;
        TAcc c4 = start, c5 = start, c6 = start, c7 = start;
        TAcc c8 = start, c9 = start, c10 = start, c11 = start;
        TAcc c12 = start, c13 = start, c14 = start, c15 = start;
        for (long i = 0; i < iterations; i++)
        {
            c0 = TStep.Step(c0); c1 = TStep.Step(c1); c2 = TStep.Step(c2); c3 = TStep.Step(c3);
            c4 = TStep.Step(c4); c5 = TStep.Step(c5); c6 = TStep.Step(c6); c7 = TStep.Step(c7);
            c8 = TStep.Step(c8); c9 = TStep.Step(c9); c10 = TStep.Step(c10); c11 = TStep.Step(c11);
            c12 = TStep.Step(c12); c13 = TStep.Step(c13); c14 = TStep.Step(c14); c15 = TStep.Step(c15);
        }
        TAcc s = TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(TStep.Add(c0, c1), c2), c3), c4), c5), c6), c7), c8), c9), c10), c11), c12), c13), c14), c15);
        return TStep.First(s);
    }

    /// <summary>One accumulator update of a sequence; the operands other than the accumulator are constants.</summary>
    private interface IStep<TAcc> where TAcc : struct
    {
        static abstract TAcc Start { get; }
        static abstract TAcc Step(TAcc accumulator);
        static abstract TAcc Add(TAcc a, TAcc b);
        static abstract int First(TAcc a);
    }

    /// <summary><c>vpdpbusd</c>: the accumulator is the only dependency.</summary>
    private readonly struct Int8Vnni256 : IStep<Vector256<int>>
    {
        public static Vector256<int> Start => Vector256.Create(1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Step(Vector256<int> c) => AvxVnni.MultiplyWideningAndAdd(c, Vector256.Create((byte)3), Vector256.Create((sbyte)-2));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;
        public static int First(Vector256<int> a) => a.ToScalar();
    }

    /// <summary><c>vpmaddubsw</c>, <c>vpmaddwd</c>, <c>vpaddd</c>; the accumulator feeds the u8 operand so nothing is loop-invariant.</summary>
    private readonly struct Int8Pair512 : IStep<Vector512<int>>
    {
        public static Vector512<int> Start => Vector512.Create(1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Step(Vector512<int> c) =>
            c + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(c.AsByte(), Vector512.Create((sbyte)-2)), Vector512<short>.One);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;
        public static int First(Vector512<int> a) => a.ToScalar();
    }

    /// <summary>The same three instructions at 256 bits.</summary>
    private readonly struct Int8Pair256 : IStep<Vector256<int>>
    {
        public static Vector256<int> Start => Vector256.Create(1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Step(Vector256<int> c) =>
            c + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(c.AsByte(), Vector256.Create((sbyte)-2)), Vector256<short>.One);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;
        public static int First(Vector256<int> a) => a.ToScalar();
    }

    /// <summary><c>vpdpwssd</c>.</summary>
    private readonly struct Int16Vnni256 : IStep<Vector256<int>>
    {
        public static Vector256<int> Start => Vector256.Create(1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Step(Vector256<int> c) => AvxVnni.MultiplyWideningAndAdd(c, Vector256.Create((short)3), Vector256.Create((short)-2));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;
        public static int First(Vector256<int> a) => a.ToScalar();
    }

    /// <summary><c>vpmaddwd</c>, <c>vpaddd</c>; the accumulator feeds one operand.</summary>
    private readonly struct Int16Madd512 : IStep<Vector512<int>>
    {
        public static Vector512<int> Start => Vector512.Create(1);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Step(Vector512<int> c) => c + Avx512BW.MultiplyAddAdjacent(c.AsInt16(), Vector512.Create((short)-2));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;
        public static int First(Vector512<int> a) => a.ToScalar();
    }
}

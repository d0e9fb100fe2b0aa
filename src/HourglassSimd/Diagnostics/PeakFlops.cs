using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HourglassSimd.Diagnostics;

/// <summary>
/// Measures this machine's peak float32 FMA throughput from C#: 24 independent accumulator chains per thread, or 12
/// where the JIT has only 16 vector registers (AVX2 and older x64; 24 would spill), enough either way to cover FMA
/// latency × pipes, no memory traffic. Speed reports state their GFLOPS as a fraction of it.
/// </summary>
public static class PeakFlops
{
    private static readonly int Accumulators = Kernels.DirectConv.VectorRegisters >= 32 ? 24 : 12;

    /// <summary>Measured GFLOPS (2 FLOPs per FMA lane) on <paramref name="threads"/> threads, best of a few rounds.</summary>
    public static double Measure(KernelIsa isa, int threads, TimeSpan? duration = null)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        if (isa is not (KernelIsa.Vector128 or KernelIsa.Vector256 or KernelIsa.Vector512))
            throw new ArgumentException("Peak is measured for Vector128, Vector256 or Vector512.", nameof(isa));
        long iterations = 2_000_000;
        var target = duration ?? TimeSpan.FromMilliseconds(200);
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                if (Accumulators == 12)
                    Loop<Twelve>(isa, iterations);
                else
                    Loop<TwentyFour>(isa, iterations);
            });
            double seconds = watch.Elapsed.TotalSeconds;
            int lanes = isa switch { KernelIsa.Vector512 => 16, KernelIsa.Vector256 => 8, _ => 4 };
            best = Math.Max(best, (double)iterations * Accumulators * lanes * 2 * threads / seconds / 1e9);
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

    private static void Loop<TC>(KernelIsa isa, long iterations) where TC : struct, IChains
    {
        if (isa == KernelIsa.Vector512) Loop<Vector512<float>, TC>(iterations);
        else if (isa == KernelIsa.Vector256) Loop<Vector256<float>, TC>(iterations);
        else Loop<Vector128<float>, TC>(iterations);
    }

    /// <summary>How many accumulator chains a loop keeps: 24 (<see cref="Wide"/>) or 12; the JIT folds it per type.</summary>
    private interface IChains
    {
        static abstract bool Wide { get; }
    }

    private struct TwentyFour : IChains
    {
        public static bool Wide => true;
    }

    private struct Twelve : IChains
    {
        public static bool Wide => false;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Loop<TV, TC>(long iterations) where TV : struct where TC : struct, IChains
    {
        float one = 1.0000001f;
        TV m = Kernels.Vec.Broadcast<TV>(&one);
        TV a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m;
        TV a12 = m, a13 = m, a14 = m, a15 = m, a16 = m, a17 = m, a18 = m, a19 = m, a20 = m, a21 = m, a22 = m, a23 = m;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Kernels.Vec.MulAdd(a0, m, m); a1 = Kernels.Vec.MulAdd(a1, m, m); a2 = Kernels.Vec.MulAdd(a2, m, m);
            a3 = Kernels.Vec.MulAdd(a3, m, m); a4 = Kernels.Vec.MulAdd(a4, m, m); a5 = Kernels.Vec.MulAdd(a5, m, m);
            a6 = Kernels.Vec.MulAdd(a6, m, m); a7 = Kernels.Vec.MulAdd(a7, m, m); a8 = Kernels.Vec.MulAdd(a8, m, m);
            a9 = Kernels.Vec.MulAdd(a9, m, m); a10 = Kernels.Vec.MulAdd(a10, m, m); a11 = Kernels.Vec.MulAdd(a11, m, m);
            if (TC.Wide)
            {
                a12 = Kernels.Vec.MulAdd(a12, m, m); a13 = Kernels.Vec.MulAdd(a13, m, m); a14 = Kernels.Vec.MulAdd(a14, m, m);
                a15 = Kernels.Vec.MulAdd(a15, m, m); a16 = Kernels.Vec.MulAdd(a16, m, m); a17 = Kernels.Vec.MulAdd(a17, m, m);
                a18 = Kernels.Vec.MulAdd(a18, m, m); a19 = Kernels.Vec.MulAdd(a19, m, m); a20 = Kernels.Vec.MulAdd(a20, m, m);
                a21 = Kernels.Vec.MulAdd(a21, m, m); a22 = Kernels.Vec.MulAdd(a22, m, m); a23 = Kernels.Vec.MulAdd(a23, m, m);
            }
        }
        // Combine every chain so none is dead code.
        TV s = Kernels.Vec.Add(Kernels.Vec.Add(Kernels.Vec.Add(a0, a1), Kernels.Vec.Add(a2, a3)), Kernels.Vec.Add(Kernels.Vec.Add(a4, a5), Kernels.Vec.Add(a6, a7)));
        s = Kernels.Vec.Add(s, Kernels.Vec.Add(Kernels.Vec.Add(a8, a9), Kernels.Vec.Add(a10, a11)));
        if (TC.Wide)
        {
            s = Kernels.Vec.Add(s, Kernels.Vec.Add(Kernels.Vec.Add(a12, a13), Kernels.Vec.Add(a14, a15)));
            s = Kernels.Vec.Add(s, Kernels.Vec.Add(Kernels.Vec.Add(Kernels.Vec.Add(a16, a17), Kernels.Vec.Add(a18, a19)), Kernels.Vec.Add(Kernels.Vec.Add(a20, a21), Kernels.Vec.Add(a22, a23))));
        }
        float* result = stackalloc float[16];
        Kernels.Vec.Store(result, s);
        return result[0];
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels;

/// <summary>
/// Width-generic vector helpers. Kernels are written once over <c>TV</c> and instantiated for
/// <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/> of float; the <c>typeof</c> tests fold away when the
/// JIT specializes each instantiation, so the generated code is the plain intrinsic.
/// </summary>
internal static unsafe class Vec
{
    /// <summary>Floats per vector: 4, 8 or 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count<TV>() where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>)) return Vector512<float>.Count;
        if (typeof(TV) == typeof(Vector256<float>)) return Vector256<float>.Count;
        if (typeof(TV) == typeof(Vector128<float>)) return Vector128<float>.Count;
        return ThrowUnsupported<int>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Zero<TV>() where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>)) return Unsafe.BitCast<Vector512<float>, TV>(Vector512<float>.Zero);
        if (typeof(TV) == typeof(Vector256<float>)) return Unsafe.BitCast<Vector256<float>, TV>(Vector256<float>.Zero);
        if (typeof(TV) == typeof(Vector128<float>)) return Unsafe.BitCast<Vector128<float>, TV>(Vector128<float>.Zero);
        return ThrowUnsupported<TV>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV>(float* p) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>)) return Unsafe.BitCast<Vector512<float>, TV>(Vector512.Load(p));
        if (typeof(TV) == typeof(Vector256<float>)) return Unsafe.BitCast<Vector256<float>, TV>(Vector256.Load(p));
        if (typeof(TV) == typeof(Vector128<float>)) return Unsafe.BitCast<Vector128<float>, TV>(Vector128.Load(p));
        return ThrowUnsupported<TV>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV>(float* p, TV v) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>)) Vector512.Store(Unsafe.BitCast<TV, Vector512<float>>(v), p);
        else if (typeof(TV) == typeof(Vector256<float>)) Vector256.Store(Unsafe.BitCast<TV, Vector256<float>>(v), p);
        else if (typeof(TV) == typeof(Vector128<float>)) Vector128.Store(Unsafe.BitCast<TV, Vector128<float>>(v), p);
        else ThrowUnsupported<TV>();
    }

    /// <summary>All lanes = <c>*p</c> (a <c>vbroadcastss</c> from memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Broadcast<TV>(float* p) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>)) return Unsafe.BitCast<Vector512<float>, TV>(Vector512.Create(*p));
        if (typeof(TV) == typeof(Vector256<float>)) return Unsafe.BitCast<Vector256<float>, TV>(Vector256.Create(*p));
        if (typeof(TV) == typeof(Vector128<float>)) return Unsafe.BitCast<Vector128<float>, TV>(Vector128.Create(*p));
        return ThrowUnsupported<TV>();
    }

    /// <summary><c>a * b + c</c>, fused (one rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MulAdd<TV>(TV a, TV b, TV c) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TV>(Vector512.FusedMultiplyAdd(
                Unsafe.BitCast<TV, Vector512<float>>(a), Unsafe.BitCast<TV, Vector512<float>>(b), Unsafe.BitCast<TV, Vector512<float>>(c)));
        if (typeof(TV) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TV>(Vector256.FusedMultiplyAdd(
                Unsafe.BitCast<TV, Vector256<float>>(a), Unsafe.BitCast<TV, Vector256<float>>(b), Unsafe.BitCast<TV, Vector256<float>>(c)));
        if (typeof(TV) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TV>(Vector128.FusedMultiplyAdd(
                Unsafe.BitCast<TV, Vector128<float>>(a), Unsafe.BitCast<TV, Vector128<float>>(b), Unsafe.BitCast<TV, Vector128<float>>(c)));
        return ThrowUnsupported<TV>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Add<TV>(TV a, TV b) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TV>(Unsafe.BitCast<TV, Vector512<float>>(a) + Unsafe.BitCast<TV, Vector512<float>>(b));
        if (typeof(TV) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TV>(Unsafe.BitCast<TV, Vector256<float>>(a) + Unsafe.BitCast<TV, Vector256<float>>(b));
        if (typeof(TV) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TV>(Unsafe.BitCast<TV, Vector128<float>>(a) + Unsafe.BitCast<TV, Vector128<float>>(b));
        return ThrowUnsupported<TV>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sub<TV>(TV a, TV b) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TV>(Unsafe.BitCast<TV, Vector512<float>>(a) - Unsafe.BitCast<TV, Vector512<float>>(b));
        if (typeof(TV) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TV>(Unsafe.BitCast<TV, Vector256<float>>(a) - Unsafe.BitCast<TV, Vector256<float>>(b));
        if (typeof(TV) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TV>(Unsafe.BitCast<TV, Vector128<float>>(a) - Unsafe.BitCast<TV, Vector128<float>>(b));
        return ThrowUnsupported<TV>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Mul<TV>(TV a, TV b) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TV>(Unsafe.BitCast<TV, Vector512<float>>(a) * Unsafe.BitCast<TV, Vector512<float>>(b));
        if (typeof(TV) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TV>(Unsafe.BitCast<TV, Vector256<float>>(a) * Unsafe.BitCast<TV, Vector256<float>>(b));
        if (typeof(TV) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TV>(Unsafe.BitCast<TV, Vector128<float>>(a) * Unsafe.BitCast<TV, Vector128<float>>(b));
        return ThrowUnsupported<TV>();
    }

    /// <summary>Lane-wise maximum with the hardware's NaN rule (inputs are checked to be finite before a run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Max<TV>(TV a, TV b) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
            return Unsafe.BitCast<Vector512<float>, TV>(Vector512.MaxNative(Unsafe.BitCast<TV, Vector512<float>>(a), Unsafe.BitCast<TV, Vector512<float>>(b)));
        if (typeof(TV) == typeof(Vector256<float>))
            return Unsafe.BitCast<Vector256<float>, TV>(Vector256.MaxNative(Unsafe.BitCast<TV, Vector256<float>>(a), Unsafe.BitCast<TV, Vector256<float>>(b)));
        if (typeof(TV) == typeof(Vector128<float>))
            return Unsafe.BitCast<Vector128<float>, TV>(Vector128.MaxNative(Unsafe.BitCast<TV, Vector128<float>>(a), Unsafe.BitCast<TV, Vector128<float>>(b)));
        return ThrowUnsupported<TV>();
    }

    /// <summary><c>max(x * scale + shift, 0)</c>: a batch norm in inference form followed by ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ScaleShiftRelu<TV>(TV x, TV scale, TV shift) where TV : struct =>
        Max(MulAdd(x, scale, shift), Zero<TV>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T ThrowUnsupported<T>() =>
        throw new NotSupportedException("Kernels are instantiated only for Vector128<float>, Vector256<float> and Vector512<float>.");
}

/// <summary>A compile-time count (pixels or vectors) of a micro-kernel tile; the JIT folds <see cref="N"/>.</summary>
internal interface IVectorCount
{
    static abstract int N { get; }
}

internal readonly struct One : IVectorCount { public static int N => 1; }
internal readonly struct Two : IVectorCount { public static int N => 2; }
internal readonly struct Three : IVectorCount { public static int N => 3; }
internal readonly struct Four : IVectorCount { public static int N => 4; }
internal readonly struct Five : IVectorCount { public static int N => 5; }
internal readonly struct Six : IVectorCount { public static int N => 6; }

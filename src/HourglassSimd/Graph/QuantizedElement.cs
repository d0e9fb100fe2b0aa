using System.Runtime.Intrinsics;
using HourglassSimd.Quantization;

namespace HourglassSimd.Graph;

/// <summary>
/// How a quantized plan stores one activation value (<see cref="QuantizeImageLayer{TElement, T}"/>,
/// <see cref="QuantizeActivationLayer{TElement, T}"/> and <see cref="DequantizeLayer{TElement, T}"/> are written once
/// for both): u8 with a zero point (int8 models) or symmetric s16 (int16 models).
/// </summary>
internal unsafe interface IQuantizedElement<T> where T : unmanaged
{
    /// <summary>The largest quantized value: 255, or 2047 (<see cref="Int16Requantization.MaxActivation"/>).</summary>
    static abstract float Max { get; }

    /// <summary>Stores 16 quantized values, already in 0..<see cref="Max"/>, at <paramref name="destination"/>.</summary>
    static abstract void Store(Vector256<int> first, Vector256<int> second, T* destination);

    /// <summary>The precision's name, for layer descriptions.</summary>
    static abstract string Name { get; }

    /// <summary>The quantized 0: what a halo holds.</summary>
    static abstract T Zero(ActivationQuantization q);

    static abstract T Quantize(ActivationQuantization q, float x);

    static abstract float Dequantize(ActivationQuantization q, T value);
}

/// <summary>u8 with a zero point (<see cref="ActivationQuantization.Quantize"/>).</summary>
internal readonly unsafe struct UInt8Element : IQuantizedElement<byte>
{
    public static string Name => "int8";

    public static float Max => 255f;

    public static void Store(Vector256<int> first, Vector256<int> second, byte* destination)
    {
        Vector256<short> words = Vector256.Narrow(first, second);
        Vector256.Narrow(words, words).AsByte().GetLower().Store(destination); // values 0..255: truncation keeps them
    }

    public static byte Zero(ActivationQuantization q) => q.ZeroPoint;

    public static byte Quantize(ActivationQuantization q, float x) => q.Quantize(x);

    public static float Dequantize(ActivationQuantization q, byte value) => q.Dequantize(value);
}

/// <summary>Symmetric s16 within ±2047 (<see cref="ActivationQuantization.QuantizeInt16"/>).</summary>
internal readonly unsafe struct Int16Element : IQuantizedElement<short>
{
    public static string Name => "int16";

    public static float Max => Int16Requantization.MaxActivation;

    public static void Store(Vector256<int> first, Vector256<int> second, short* destination) =>
        Vector256.Narrow(first, second).Store(destination); // within ±2047: truncation keeps them

    public static short Zero(ActivationQuantization q) => 0;

    public static short Quantize(ActivationQuantization q, float x) => q.QuantizeInt16(x);

    public static float Dequantize(ActivationQuantization q, short value) => q.DequantizeInt16(value);
}

/// <summary>A layer that fills its quantized output's halo with the quantized 0 on every run, so that a padded integer convolution may read it.</summary>
internal interface IFillsQuantizedHalo
{
}

using HourglassSimd.Quantization;

namespace HourglassSimd.Graph;

/// <summary>
/// How a quantized plan stores one activation value (<see cref="QuantizeImageLayer{TElement, T}"/> and
/// <see cref="DequantizeLayer{TElement, T}"/> are written once for both): u8 with a zero point (int8 models) or
/// symmetric s16 (int16 models).
/// </summary>
internal interface IQuantizedElement<T> where T : unmanaged
{
    /// <summary>The precision's name, for layer descriptions.</summary>
    static abstract string Name { get; }

    /// <summary>The quantized 0: what a halo holds.</summary>
    static abstract T Zero(ActivationQuantization q);

    static abstract T Quantize(ActivationQuantization q, float x);

    static abstract float Dequantize(ActivationQuantization q, T value);
}

/// <summary>u8 with a zero point (<see cref="ActivationQuantization.Quantize"/>).</summary>
internal readonly struct UInt8Element : IQuantizedElement<byte>
{
    public static string Name => "int8";

    public static byte Zero(ActivationQuantization q) => q.ZeroPoint;

    public static byte Quantize(ActivationQuantization q, float x) => q.Quantize(x);

    public static float Dequantize(ActivationQuantization q, byte value) => q.Dequantize(value);
}

/// <summary>Symmetric s16 within ±2047 (<see cref="ActivationQuantization.QuantizeInt16"/>).</summary>
internal readonly struct Int16Element : IQuantizedElement<short>
{
    public static string Name => "int16";

    public static short Zero(ActivationQuantization q) => 0;

    public static short Quantize(ActivationQuantization q, float x) => q.QuantizeInt16(x);

    public static float Dequantize(ActivationQuantization q, short value) => q.DequantizeInt16(value);
}

/// <summary>A layer that fills its quantized output's halo with the quantized 0 on every run, so that a padded integer convolution may read it.</summary>
internal interface IFillsQuantizedHalo
{
}

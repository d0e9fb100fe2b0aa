namespace HourglassSimd.Quantization;

/// <summary>
/// How a u8 activation tensor represents reals: <c>real = Scale · (q − ZeroPoint)</c>, q in 0..255 (ONNX
/// <c>QuantizeLinear</c> / <c>DequantizeLinear</c> with a uint8 zero point). Chosen from a calibrated range that always
/// includes 0, so that 0 (ReLU's floor, padding) is exact.
/// </summary>
internal readonly record struct ActivationQuantization(float Scale, byte ZeroPoint)
{
    /// <summary>
    /// The asymmetric u8 quantization of [<paramref name="min"/>, <paramref name="max"/>] widened to include 0:
    /// <c>scale = (max − min) / 255</c>, <c>zero_point = round(−min / scale)</c> clamped to 0..255 (as ONNX Runtime's
    /// quantization tool computes it). An empty range (all zeros) gets scale 1.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="min"/> exceeds <paramref name="max"/>.</exception>
    public static ActivationQuantization FromRange(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"An activation range must be finite and ordered, not [{min}, {max}].");
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        if (max == min)
            return new ActivationQuantization(1f, 0);
        float scale = (max - min) / 255f;
        float zero = MathF.Round(-min / scale, MidpointRounding.ToEven);
        return new ActivationQuantization(scale, (byte)Math.Clamp(zero, 0f, 255f));
    }

    /// <summary>
    /// The symmetric int16 quantization of [<paramref name="min"/>, <paramref name="max"/>]: zero point 0 and
    /// <c>scale = max(|min|, |max|) / 2047</c> (<see cref="Int16Requantization.MaxActivation"/>: the headroom that keeps
    /// the int16 kernels' int32 sums exact). An empty range gets scale 1.
    /// </summary>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="min"/> exceeds <paramref name="max"/>.</exception>
    public static ActivationQuantization SymmetricInt16(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"An activation range must be finite and ordered, not [{min}, {max}].");
        float largest = MathF.Max(MathF.Abs(min), MathF.Abs(max));
        return new ActivationQuantization(largest > 0 ? largest / Int16Requantization.MaxActivation : 1f, 0);
    }

    /// <summary><c>clamp(round_half_to_even(x / Scale), −2047, 2047)</c>: a symmetric int16 activation (zero point 0); x must be finite.</summary>
    public short QuantizeInt16(float x) =>
        (short)Math.Clamp(MathF.Round(x / Scale, MidpointRounding.ToEven), -Int16Requantization.MaxActivation, Int16Requantization.MaxActivation);

    /// <summary><c>Scale · q</c>.</summary>
    public float DequantizeInt16(short q) => Scale * q;

    /// <summary><c>clamp(round_half_to_even(x / Scale) + ZeroPoint, 0, 255)</c>, as ONNX's <c>QuantizeLinear</c>; x must be finite.</summary>
    public byte Quantize(float x) => (byte)Math.Clamp(MathF.Round(x / Scale, MidpointRounding.ToEven) + ZeroPoint, 0f, 255f);

    /// <summary><c>Scale · (q − ZeroPoint)</c>, as ONNX's <c>DequantizeLinear</c>.</summary>
    public float Dequantize(byte q) => Scale * (q - ZeroPoint);
}

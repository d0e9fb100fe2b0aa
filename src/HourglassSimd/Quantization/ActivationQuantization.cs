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

    /// <summary><c>clamp(round_half_to_even(x / Scale) + ZeroPoint, 0, 255)</c>, as ONNX's <c>QuantizeLinear</c>; x must be finite.</summary>
    public byte Quantize(float x) => (byte)Math.Clamp(MathF.Round(x / Scale, MidpointRounding.ToEven) + ZeroPoint, 0f, 255f);

    /// <summary><c>Scale · (q − ZeroPoint)</c>, as ONNX's <c>DequantizeLinear</c>.</summary>
    public float Dequantize(byte q) => Scale * (q - ZeroPoint);
}

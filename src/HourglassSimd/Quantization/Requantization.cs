namespace HourglassSimd.Quantization;

/// <summary>
/// The one statement of how a quantized layer turns its int32 accumulator into a uint8 activation. It follows ONNX
/// <c>QLinearConv</c> and <c>QuantizeLinear</c> as ONNX Runtime computes them:
/// <code>
/// acc  = bias_q[o] + Σ (x_q − x_zp) · w_q[o]        (exact in int32; wraps, as in every runtime, only past 2^31)
/// v    = (float)acc × multiplier[o]                 (float32, two roundings: the conversion and the product)
/// y_q  = clamp(round_half_to_even(v) + y_zp, lo, 255),  lo = y_zp with a fused ReLU, else 0
/// </code>
/// with <c>multiplier[o] = x_scale · w_scale[o] / y_scale</c> computed once in float32 and
/// <c>bias_q[o] = round_half_to_even(bias[o] / (x_scale · w_scale[o]))</c>. Weights are symmetric (zero point 0),
/// per output channel. Clamping before or after the rounding gives the same result because the bounds are integers,
/// so SIMD kernels may clamp in float and then convert by truncation; every kernel must equal
/// <see cref="ToUInt8(int, float, int, bool)"/> (or its overload with a residual) bit for bit.
/// </summary>
internal static class Requantization
{
    /// <summary>The requantized activation of one accumulator (see the class summary).</summary>
    public static byte ToUInt8(int accumulator, float multiplier, int outputZeroPoint, bool relu)
    {
        float v = (float)accumulator * multiplier;
        float rounded = MathF.Round(v, MidpointRounding.ToEven) + outputZeroPoint;
        float low = relu ? outputZeroPoint : 0;
        return (byte)Math.Clamp(rounded, low, 255f);
    }

    /// <summary>
    /// <see cref="ToUInt8(int, float, int, bool)"/> with a quantized residual added before the rounding:
    /// <c>v = fma(r − r_zp, r_multiplier, (float)acc × multiplier)</c>, <c>r_multiplier</c> being the residual's scale
    /// over the output's; then as without it.
    /// </summary>
    public static byte ToUInt8(int accumulator, float multiplier, int outputZeroPoint, bool relu, byte residual, int residualZeroPoint, float residualMultiplier)
    {
        float v = MathF.FusedMultiplyAdd(residual - residualZeroPoint, residualMultiplier, (float)accumulator * multiplier);
        float rounded = MathF.Round(v, MidpointRounding.ToEven) + outputZeroPoint;
        return (byte)Math.Clamp(rounded, relu ? outputZeroPoint : 0, 255f);
    }

    /// <summary>
    /// A heatmap head's float output, dequantized straight from the accumulator (no detour through u8):
    /// <c>(float)acc × float_multiplier[o]</c> with <c>float_multiplier[o] = x_scale · w_scale[o]</c>.
    /// </summary>
    public static float ToFloat(int accumulator, float floatMultiplier) => (float)accumulator * floatMultiplier;

    /// <summary>
    /// <see cref="ToFloat(int, float)"/> with a float residual added: <c>(float)acc × float_multiplier[o] + residual</c>,
    /// a product then a sum, each rounded (no fused multiply-add), so that every kernel path gives the same float.
    /// </summary>
    public static float ToFloat(int accumulator, float floatMultiplier, float residual) => ToFloat(accumulator, floatMultiplier) + residual;

    /// <summary>
    /// A per-channel batch norm + ReLU on a quantized activation: with <c>multiplier = x_scale · scale[c] / y_scale</c>
    /// and <c>offset = shift[c] / y_scale</c> (each computed once in float32),
    /// <c>v = fma(x − x_zp, multiplier, offset)</c>, then <c>clamp(round_half_to_even(v) + y_zp, y_zp, 255)</c>.
    /// </summary>
    public static byte ScaleShiftReluToUInt8(byte x, int inputZeroPoint, float multiplier, float offset, int outputZeroPoint)
    {
        float v = MathF.FusedMultiplyAdd(x - inputZeroPoint, multiplier, offset);
        return (byte)Math.Clamp(MathF.Round(v, MidpointRounding.ToEven) + outputZeroPoint, outputZeroPoint, 255f);
    }

    /// <summary>
    /// The sum of two quantized activations in the output's quantization, as ONNX Runtime's <c>QLinearAdd</c> computes
    /// it in float: <c>v = fma(a − a_zp, a_multiplier, (b − b_zp) · b_multiplier)</c> with each multiplier its input's
    /// scale over the output's (computed once in float32), then <c>clamp(round_half_to_even(v) + y_zp, 0, 255)</c>.
    /// SIMD kernels use the same float operations in the same order, so they equal this bit for bit.
    /// </summary>
    public static byte AddToUInt8(byte a, int aZeroPoint, float aMultiplier, byte b, int bZeroPoint, float bMultiplier, int outputZeroPoint)
    {
        float v = MathF.FusedMultiplyAdd(a - aZeroPoint, aMultiplier, (b - bZeroPoint) * bMultiplier);
        return (byte)Math.Clamp(MathF.Round(v, MidpointRounding.ToEven) + outputZeroPoint, 0f, 255f);
    }

    /// <summary>
    /// The accumulator's start for one output channel o: <c>bias_q[o] − x_zp · Σ_i w_q[o, i]</c>, so that a
    /// kernel can sum raw <c>x_q · w_q</c> products (what <c>vpdpbusd</c> computes) and still implement
    /// <c>Σ (x_q − x_zp) · w_q</c>.
    /// </summary>
    public static int StartValue(int biasQ, ReadOnlySpan<sbyte> weightsOfChannel, byte inputZeroPoint)
    {
        int sum = 0;
        foreach (sbyte w in weightsOfChannel)
            sum += w;
        return unchecked(biasQ - inputZeroPoint * sum);
    }
}

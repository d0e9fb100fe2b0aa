namespace HourglassSimd.Quantization;

/// <summary>
/// The one statement of how an int16 quantized layer turns its int32 accumulator into a symmetric int16 activation
/// (zero point 0, so a padded convolution's halo is plain 0 and needs no compensation term), the int16 counterpart of
/// <see cref="Requantization"/>:
/// <code>
/// acc  = bias_q[o] + Σ x_q · w_q[o]                 (exact in int32: the bounds of Int16DirectConv exclude overflow)
/// v    = (float)acc × multiplier[o]                 (float32, two roundings: the conversion and the product)
/// y_q  = clamp(round_half_to_even(v), lo, MaxActivation),  lo = 0 with a fused ReLU, else −MaxActivation
/// </code>
/// Activations are stored in int16 but kept within ±<see cref="MaxActivation"/> (12-bit signed) so that a whole
/// receptive field of products, plus a bias, always fits an int32 accumulator; −32768, the one value whose square pair
/// overflows <c>vpmaddwd</c>, is never produced. Clamping before or after the rounding gives the same result because
/// the bounds are integers, so SIMD kernels may clamp in float and then convert by truncation; every kernel must equal
/// these methods bit for bit.
/// </summary>
internal static class Int16Requantization
{
    /// <summary>
    /// The largest activation magnitude: int16 storage with 4 bits of headroom. A residual module's 3x3 sums
    /// 3 · 3 · 128 = 1,152 products per output; at 2,047 per activation that leaves weights up to 455 before the
    /// products alone reach 2^30 (<c>Int16DirectConv.MaxWeightFor</c>), half of int32, the other half being the bias's.
    /// </summary>
    public const int MaxActivation = 2047;

    /// <summary>The requantized activation of one accumulator (see the class summary).</summary>
    public static short ToInt16(int accumulator, float multiplier, bool relu)
    {
        float v = (float)accumulator * multiplier;
        return Saturate(v, relu);
    }

    /// <summary>
    /// <see cref="ToInt16(int, float, bool)"/> with an int16 residual added before the rounding:
    /// <c>v = fma(r, r_multiplier, (float)acc × multiplier)</c>, <c>r_multiplier</c> being the residual's scale over
    /// the output's; then as without it (as <see cref="Requantization"/>'s u8 residual, with zero points 0).
    /// </summary>
    public static short ToInt16(int accumulator, float multiplier, bool relu, short residual, float residualMultiplier)
    {
        float v = MathF.FusedMultiplyAdd(residual, residualMultiplier, (float)accumulator * multiplier);
        return Saturate(v, relu);
    }

    /// <summary>
    /// A per-channel batch norm + ReLU on an int16 activation: with <c>multiplier = x_scale · scale[c] / y_scale</c> and
    /// <c>offset = shift[c] / y_scale</c> (each computed once in float32), <c>v = fma(x, multiplier, offset)</c>, then
    /// <c>clamp(round_half_to_even(v), 0, MaxActivation)</c>; as <see cref="Requantization.ScaleShiftReluToUInt8"/> with zero points 0.
    /// </summary>
    public static short ScaleShiftRelu(short x, float multiplier, float offset) => Saturate(MathF.FusedMultiplyAdd(x, multiplier, offset), relu: true);

    /// <summary>The accumulator dequantized: <see cref="Requantization.ToFloat(int, float)"/>, the same rule as the int8 kernels'.</summary>
    public static float ToFloat(int accumulator, float floatMultiplier) => Requantization.ToFloat(accumulator, floatMultiplier);

    /// <summary>The accumulator dequantized plus a float residual, a product then a separate sum (<see cref="Requantization.ToFloat(int, float, float)"/>).</summary>
    public static float ToFloat(int accumulator, float floatMultiplier, float residual) => Requantization.ToFloat(accumulator, floatMultiplier, residual);

    /// <summary><c>clamp(round_half_to_even(v), lo, MaxActivation)</c>; an integer in range, so the conversion is exact.</summary>
    private static short Saturate(float v, bool relu) =>
        (short)Math.Clamp(MathF.Round(v, MidpointRounding.ToEven), relu ? 0f : -MaxActivation, MaxActivation);
}

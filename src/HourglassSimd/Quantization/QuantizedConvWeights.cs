namespace HourglassSimd.Quantization;

/// <summary>
/// A float convolution (folded weights [out][in][K][K] and bias) quantized for <c>Int8DirectConv</c> between a u8
/// input and a u8 output: weights symmetric per output channel (zero point 0), bias in int32 at the accumulator's scale,
/// and the per-channel requantization multipliers (<see cref="Requantization"/>).
/// </summary>
internal sealed class QuantizedConvWeights
{
    /// <summary>
    /// Quantizes one convolution. <paramref name="maxWeight"/> is the largest weight magnitude: 127 for full s8, 63 for
    /// kernels whose pair path needs 7-bit weights (<c>Int8DirectConv.MaxPairWeight</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not match, non-finite values, or a weight range out of 1..127.</exception>
    public QuantizedConvWeights(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outChannels, ActivationQuantization input,
        ActivationQuantization output, int maxWeight = 127)
    {
        if (outChannels < 1 || weights.Length == 0 || weights.Length % outChannels != 0 || bias.Length != outChannels)
            throw new ArgumentException($"{weights.Length} weights and {bias.Length} biases do not make {outChannels} output channels.");
        var (quantized, scales) = QuantizeWeights(weights, outChannels, maxWeight);
        (OutChannels, Weights, WeightScales) = (outChannels, quantized, scales);
        (BiasQ, Multipliers, FloatMultipliers) = QuantizeBias(bias, scales, input, output);
    }

    /// <summary>
    /// The weights alone, symmetric per output channel: <c>scale[o] = max |w| / maxWeight</c> (1 for an all-zero filter)
    /// and <c>q = clamp(round_half_to_even(w / scale[o]), −maxWeight, maxWeight)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes that do not match, non-finite weights, or a weight range out of 1..127.</exception>
    public static (sbyte[] Weights, float[] Scales) QuantizeWeights(ReadOnlySpan<float> weights, int outChannels, int maxWeight)
    {
        if (maxWeight is < 1 or > 127)
            throw new ArgumentException($"The largest weight magnitude must be from 1 to 127, not {maxWeight}.", nameof(maxWeight));
        var (values, scales) = QuantizeWeightsToInt16(weights, outChannels, maxWeight);
        return (Array.ConvertAll(values, v => (sbyte)v), scales);
    }

    /// <summary>As <see cref="QuantizeWeights"/>, to s16 values with <paramref name="maxWeight"/> from 1 to 32767 (an int16 model's convolution).</summary>
    /// <exception cref="ArgumentException">Shapes that do not match, non-finite weights, or a weight range out of 1..32767.</exception>
    public static (short[] Weights, float[] Scales) QuantizeWeightsToInt16(ReadOnlySpan<float> weights, int outChannels, int maxWeight)
    {
        if (outChannels < 1 || weights.Length == 0 || weights.Length % outChannels != 0)
            throw new ArgumentException($"{weights.Length} weights do not make {outChannels} output channels.");
        if (maxWeight is < 1 or > short.MaxValue)
            throw new ArgumentException($"The largest weight magnitude must be from 1 to 32767, not {maxWeight}.", nameof(maxWeight));
        int perChannel = weights.Length / outChannels;
        var quantized = new short[weights.Length];
        var scales = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            var filter = weights.Slice(o * perChannel, perChannel);
            float largest = 0;
            foreach (float w in filter)
            {
                if (!float.IsFinite(w))
                    throw new ArgumentException($"Output channel {o} has a weight that is not finite ({w}).", nameof(weights));
                largest = MathF.Max(largest, MathF.Abs(w));
            }
            // An all-zero filter keeps scale 1 (its weights quantize to 0 whatever the scale).
            float scale = largest > 0 ? largest / maxWeight : 1f;
            scales[o] = scale;
            for (int i = 0; i < perChannel; i++)
                quantized[o * perChannel + i] = (short)Math.Clamp(MathF.Round(filter[i] / scale, MidpointRounding.ToEven), -maxWeight, maxWeight);
        }
        return (quantized, scales);
    }

    /// <summary>Takes weights already quantized (a quantized model file's): <paramref name="weights"/> [out][in][K][K] with one scale per output channel.</summary>
    /// <exception cref="ArgumentException">Shapes that do not match, or scales that are not finite and positive.</exception>
    public QuantizedConvWeights(sbyte[] weights, float[] scales, ReadOnlySpan<float> bias, ActivationQuantization input, ActivationQuantization output)
    {
        int outChannels = scales.Length;
        if (outChannels < 1 || weights.Length == 0 || weights.Length % outChannels != 0 || bias.Length != outChannels)
            throw new ArgumentException($"{weights.Length} weights, {scales.Length} scales and {bias.Length} biases do not make one convolution.");
        foreach (float scale in scales)
            if (!float.IsFinite(scale) || scale <= 0)
                throw new ArgumentException($"A weight scale must be finite and positive, not {scale}.", nameof(scales));
        (OutChannels, Weights, WeightScales) = (outChannels, weights, scales);
        (BiasQ, Multipliers, FloatMultipliers) = QuantizeBias(bias, scales, input, output);
    }

    /// <summary>The largest int8 bias magnitude: half of int32, the other half left to the products.</summary>
    public const long MaxInt8Bias = int.MaxValue / 2;

    /// <summary>
    /// The bias at the accumulator's scale and the requantization multipliers (<see cref="Requantization"/>); a bias
    /// beyond <paramref name="maxBias"/> in magnitude does not fit the accumulator.
    /// </summary>
    /// <exception cref="ArgumentException">A bias that does not fit.</exception>
    internal static (int[] BiasQ, float[] Multipliers, float[] FloatMultipliers) QuantizeBias(ReadOnlySpan<float> bias, float[] scales,
        ActivationQuantization input, ActivationQuantization output, long maxBias = MaxInt8Bias)
    {
        var biasQ = new int[scales.Length];
        var multipliers = new float[scales.Length];
        var floatMultipliers = new float[scales.Length];
        for (int o = 0; o < scales.Length; o++)
        {
            float accumulatorScale = input.Scale * scales[o];
            double q = Math.Round(bias[o] / (double)accumulatorScale, MidpointRounding.ToEven);
            if (!double.IsFinite(q) || Math.Abs(q) > maxBias)
                throw new ArgumentException($"Output channel {o}'s bias {bias[o]} does not fit the accumulator at scale {accumulatorScale}.", nameof(bias));
            biasQ[o] = (int)q;
            multipliers[o] = accumulatorScale / output.Scale;
            floatMultipliers[o] = accumulatorScale;
        }
        return (biasQ, multipliers, floatMultipliers);
    }

    public int OutChannels { get; }

    /// <summary>Quantized weights, [out][in][K][K] as given.</summary>
    public sbyte[] Weights { get; }

    /// <summary>Per output channel: a weight's real value is <c>WeightScales[o] · w_q</c>.</summary>
    public float[] WeightScales { get; }

    /// <summary>Per output channel: <c>round_half_to_even(bias / (x_scale · w_scale))</c>.</summary>
    public int[] BiasQ { get; }

    /// <summary>Per output channel: <c>x_scale · w_scale / y_scale</c>.</summary>
    public float[] Multipliers { get; }

    /// <summary>Per output channel: <c>x_scale · w_scale</c>, for a float output (<see cref="Requantization.ToFloat(int, float)"/>).</summary>
    public float[] FloatMultipliers { get; }
}

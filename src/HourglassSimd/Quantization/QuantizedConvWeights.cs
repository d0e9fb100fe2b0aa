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
        if (maxWeight is < 1 or > 127)
            throw new ArgumentException($"The largest weight magnitude must be from 1 to 127, not {maxWeight}.", nameof(maxWeight));
        int perChannel = weights.Length / outChannels;
        OutChannels = outChannels;
        Weights = new sbyte[weights.Length];
        WeightScales = new float[outChannels];
        BiasQ = new int[outChannels];
        Multipliers = new float[outChannels];
        FloatMultipliers = new float[outChannels];
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
            WeightScales[o] = scale;
            for (int i = 0; i < perChannel; i++)
                Weights[o * perChannel + i] = (sbyte)Math.Clamp(MathF.Round(filter[i] / scale, MidpointRounding.ToEven), -maxWeight, maxWeight);
            float accumulatorScale = input.Scale * scale;
            double biasQ = Math.Round(bias[o] / (double)accumulatorScale, MidpointRounding.ToEven);
            if (!double.IsFinite(biasQ) || Math.Abs(biasQ) > int.MaxValue / 2)
                throw new ArgumentException($"Output channel {o}'s bias {bias[o]} does not fit the accumulator at scale {accumulatorScale}.", nameof(bias));
            BiasQ[o] = (int)biasQ;
            Multipliers[o] = accumulatorScale / output.Scale;
            FloatMultipliers[o] = accumulatorScale;
        }
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

    /// <summary>Per output channel: <c>x_scale · w_scale</c>, for a float output (<see cref="Requantization.ToFloat"/>).</summary>
    public float[] FloatMultipliers { get; }
}

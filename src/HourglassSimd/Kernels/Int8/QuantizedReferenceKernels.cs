using HourglassSimd.Quantization;

namespace HourglassSimd.Kernels.Int8;

/// <summary>The executable specification of the quantized kernels: plain loops, int32 sums, <see cref="Requantization"/>.</summary>
internal static class QuantizedReferenceKernels
{
    /// <summary>
    /// <c>y[p, o] = ToUInt8(bias_q[o] + Σ_i (x[p, i] − x_zp) · w[o, i], multiplier[o], y_zp, relu)</c> over channel-last
    /// arrays: <paramref name="input"/> [pixels][inChannels], <paramref name="weights"/> [outChannels][inChannels],
    /// <paramref name="output"/> [pixels][outChannels].
    /// </summary>
    public static void PointwiseConv(ReadOnlySpan<byte> input, int pixels, int inChannels, byte inputZeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> biasQ, int outChannels, ReadOnlySpan<float> multipliers,
        int outputZeroPoint, bool relu, Span<byte> output)
    {
        for (int p = 0; p < pixels; p++)
        for (int o = 0; o < outChannels; o++)
        {
            int sum = biasQ[o];
            for (int i = 0; i < inChannels; i++)
                sum = unchecked(sum + (input[p * inChannels + i] - inputZeroPoint) * weights[o * inChannels + i]);
            output[p * outChannels + o] = Requantization.ToUInt8(sum, multipliers[o], outputZeroPoint, relu);
        }
    }
}

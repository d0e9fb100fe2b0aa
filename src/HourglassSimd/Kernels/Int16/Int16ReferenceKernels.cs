using HourglassSimd.Quantization;

namespace HourglassSimd.Kernels.Int16;

/// <summary>The executable specification of the int16 kernels: plain loops over unpacked weights, int32 sums, <see cref="Int16Requantization"/>.</summary>
internal static class Int16ReferenceKernels
{
    /// <summary>
    /// <c>y[r, c, o] = ToInt16(bias_q[o] + Σ_{i, ky, kx} x[r·s + ky − pad, c·s + kx − pad, i] · w[o, i, ky, kx], multiplier[o], relu)</c>
    /// over channel-last arrays: <paramref name="input"/> [height][width][inChannels], <paramref name="weights"/>
    /// [outChannels][inChannels][K][K], <paramref name="output"/> [outHeight][outWidth][outChannels], with
    /// outHeight = (height + 2 · pad − K) / stride + 1 (and the same for the width). Pixels outside the input are 0, the
    /// symmetric quantization's zero point. A non-empty <paramref name="residual"/> (laid out as the output) is added
    /// before the rounding (<see cref="Int16Requantization.ToInt16(int, float, bool, short, float)"/>); a non-empty
    /// <paramref name="floatOutput"/> also gets the accumulators dequantized, plus a non-empty
    /// <paramref name="floatResidual"/> laid out as it. An empty <paramref name="output"/> is not written (a float-only layer).
    /// </summary>
    public static void Conv(ReadOnlySpan<short> input, int height, int width, int inChannels,
        ReadOnlySpan<short> weights, ReadOnlySpan<int> biasQ, int outChannels, int kernelSize, int stride, int pad,
        ReadOnlySpan<float> multipliers, bool relu, Span<short> output,
        ReadOnlySpan<short> residual = default, float residualMultiplier = 0,
        ReadOnlySpan<float> floatMultipliers = default, Span<float> floatOutput = default, ReadOnlySpan<float> floatResidual = default)
    {
        int outHeight = (height + 2 * pad - kernelSize) / stride + 1, outWidth = (width + 2 * pad - kernelSize) / stride + 1;
        for (int r = 0; r < outHeight; r++)
        for (int c = 0; c < outWidth; c++)
        for (int o = 0; o < outChannels; o++)
        {
            int sum = Accumulator(input, height, width, inChannels, weights, biasQ[o], o, kernelSize, stride, pad, r, c);
            int at = (r * outWidth + c) * outChannels + o;
            if (!floatOutput.IsEmpty)
                floatOutput[at] = floatResidual.IsEmpty
                    ? Int16Requantization.ToFloat(sum, floatMultipliers[o])
                    : Int16Requantization.ToFloat(sum, floatMultipliers[o], floatResidual[at]);
            if (output.IsEmpty)
                continue;
            output[at] = residual.IsEmpty
                ? Int16Requantization.ToInt16(sum, multipliers[o], relu)
                : Int16Requantization.ToInt16(sum, multipliers[o], relu, residual[at], residualMultiplier);
        }
    }

    /// <summary>
    /// The int32 accumulator of output channel <paramref name="o"/> at output pixel (<paramref name="r"/>,
    /// <paramref name="c"/>): <c>biasQ + Σ x · w</c>, wrapping past 2^31 as the kernels would (the bounds of
    /// <see cref="Int16DirectConv"/> are what keep it from doing so).
    /// </summary>
    public static int Accumulator(ReadOnlySpan<short> input, int height, int width, int inChannels, ReadOnlySpan<short> weights,
        int biasQ, int o, int kernelSize, int stride, int pad, int r, int c)
    {
        int sum = biasQ;
        for (int ky = 0; ky < kernelSize; ky++)
        for (int kx = 0; kx < kernelSize; kx++)
        {
            int y = r * stride + ky - pad, x = c * stride + kx - pad;
            if (y < 0 || y >= height || x < 0 || x >= width)
                continue; // the halo is 0
            for (int i = 0; i < inChannels; i++)
                sum = unchecked(sum + input[(y * width + x) * inChannels + i] * weights[((o * inChannels + i) * kernelSize + ky) * kernelSize + kx]);
        }
        return sum;
    }
}

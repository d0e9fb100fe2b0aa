using HourglassSimd.Quantization;

namespace HourglassSimd.Kernels.Int8;

/// <summary>The executable specification of the quantized kernels: plain loops, int32 sums, <see cref="Requantization"/>.</summary>
internal static class QuantizedReferenceKernels
{
    /// <summary>
    /// <c>y[r, c, o] = ToUInt8(bias_q[o] + Σ_{i, ky, kx} (x[r·s + ky − pad, c·s + kx − pad, i] − x_zp) · w[o, i, ky, kx], multiplier[o], y_zp, relu)</c>
    /// over channel-last arrays: <paramref name="input"/> [height][width][inChannels], <paramref name="weights"/>
    /// [outChannels][inChannels][K][K], <paramref name="output"/> [outHeight][outWidth][outChannels], with
    /// outHeight = (height + 2 · pad − K) / stride + 1 (and the same for the width). Pixels outside the input are the
    /// zero point, the quantized 0, as ONNX's <c>QLinearConv</c> pads. A non-empty <paramref name="residual"/> (laid out
    /// as the output) is added before the ReLU in the output's quantization; a non-empty <paramref name="floatOutput"/> also
    /// gets the accumulators dequantized (<see cref="Requantization.ToFloat(int, float)"/>), plus a non-empty <paramref name="floatResidual"/>
    /// laid out as it.
    /// </summary>
    public static void Conv(ReadOnlySpan<byte> input, int height, int width, int inChannels, byte inputZeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> biasQ, int outChannels, int kernelSize, int stride, int pad,
        ReadOnlySpan<float> multipliers, int outputZeroPoint, bool relu, Span<byte> output,
        ReadOnlySpan<byte> residual = default, int residualZeroPoint = 0, float residualMultiplier = 0,
        ReadOnlySpan<float> floatMultipliers = default, Span<float> floatOutput = default, ReadOnlySpan<float> floatResidual = default)
    {
        int outHeight = (height + 2 * pad - kernelSize) / stride + 1, outWidth = (width + 2 * pad - kernelSize) / stride + 1;
        for (int r = 0; r < outHeight; r++)
        for (int c = 0; c < outWidth; c++)
        for (int o = 0; o < outChannels; o++)
        {
            int sum = biasQ[o];
            for (int ky = 0; ky < kernelSize; ky++)
            for (int kx = 0; kx < kernelSize; kx++)
            {
                int y = r * stride + ky - pad, x = c * stride + kx - pad;
                if (y < 0 || y >= height || x < 0 || x >= width)
                    continue; // x_q − x_zp = 0
                for (int i = 0; i < inChannels; i++)
                    sum = unchecked(sum + (input[(y * width + x) * inChannels + i] - inputZeroPoint) * weights[((o * inChannels + i) * kernelSize + ky) * kernelSize + kx]);
            }
            int at = (r * outWidth + c) * outChannels + o;
            if (!floatOutput.IsEmpty)
                floatOutput[at] = floatResidual.IsEmpty ? Requantization.ToFloat(sum, floatMultipliers[o]) : Requantization.ToFloat(sum, floatMultipliers[o], floatResidual[at]);
            output[at] = residual.IsEmpty
                ? Requantization.ToUInt8(sum, multipliers[o], outputZeroPoint, relu)
                : Requantization.ToUInt8(sum, multipliers[o], outputZeroPoint, relu, residual[at], residualZeroPoint, residualMultiplier);
        }
    }

    /// <summary>
    /// The 3x3 stride-1 pad-1 depthwise convolution:
    /// <c>y[r, c, i] = ToUInt8(bias_q[i] + Σ_{ky, kx} (x[r + ky − 1, c + kx − 1, i] − x_zp) · w[i, ky, kx], multiplier[i], y_zp, relu)</c>
    /// over dense channel-last maps [height][width][channels], <paramref name="weights"/> [channels][3][3]; pixels
    /// outside the input are the zero point, as in <see cref="Conv"/>.
    /// </summary>
    public static void Depthwise3x3(ReadOnlySpan<byte> input, int height, int width, int channels, byte inputZeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> biasQ, ReadOnlySpan<float> multipliers, int outputZeroPoint, bool relu, Span<byte> output)
    {
        for (int r = 0; r < height; r++)
        for (int c = 0; c < width; c++)
        for (int i = 0; i < channels; i++)
        {
            int sum = biasQ[i];
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int y = r + ky - 1, x = c + kx - 1;
                if (y >= 0 && y < height && x >= 0 && x < width)
                    sum += (input[(y * width + x) * channels + i] - inputZeroPoint) * weights[(i * 3 + ky) * 3 + kx];
            }
            output[(r * width + c) * channels + i] = Requantization.ToUInt8(sum, multipliers[i], outputZeroPoint, relu);
        }
    }

    /// <summary>
    /// <c>y[p, i] = ScaleShiftReluToUInt8(x[p, i], x_zp, multipliers[i], offsets[i], y_zp)</c>
    /// (<see cref="Requantization.ScaleShiftReluToUInt8"/>) over dense [pixels][channels] maps.
    /// </summary>
    public static void PreActivation(ReadOnlySpan<byte> input, int pixels, int channels, int inputZeroPoint, ReadOnlySpan<float> multipliers,
        ReadOnlySpan<float> offsets, int outputZeroPoint, Span<byte> output)
    {
        for (int p = 0; p < pixels; p++)
        for (int i = 0; i < channels; i++)
            output[p * channels + i] = Requantization.ScaleShiftReluToUInt8(input[p * channels + i], inputZeroPoint, multipliers[i], offsets[i], outputZeroPoint);
    }

    /// <summary><c>y[r, c, i] = max over the 2x2 window at (2r, 2c)</c> of a dense [height][width][channels] map (even sides).</summary>
    public static void MaxPool2x2(ReadOnlySpan<byte> input, int height, int width, int channels, Span<byte> output)
    {
        for (int r = 0; r < height / 2; r++)
        for (int c = 0; c < width / 2; c++)
        for (int i = 0; i < channels; i++)
        {
            byte m = 0;
            for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
                m = Math.Max(m, input[((2 * r + dy) * width + 2 * c + dx) * channels + i]);
            output[(r * (width / 2) + c) * channels + i] = m;
        }
    }

    /// <summary>
    /// <c>y[r, c, i] = AddToUInt8(low[r / 2, c / 2, i], skip[r, c, i])</c> (<see cref="Requantization.AddToUInt8"/>) over
    /// dense maps: <paramref name="low"/> [height / 2][width / 2][channels], <paramref name="skip"/> and
    /// <paramref name="output"/> [height][width][channels].
    /// </summary>
    public static void UpsampleAdd(ReadOnlySpan<byte> low, int lowZeroPoint, float lowMultiplier, ReadOnlySpan<byte> skip, int skipZeroPoint,
        float skipMultiplier, int height, int width, int channels, int outputZeroPoint, Span<byte> output)
    {
        for (int r = 0; r < height; r++)
        for (int c = 0; c < width; c++)
        for (int i = 0; i < channels; i++)
            output[(r * width + c) * channels + i] = Requantization.AddToUInt8(low[((r / 2) * (width / 2) + c / 2) * channels + i], lowZeroPoint, lowMultiplier,
                skip[(r * width + c) * channels + i], skipZeroPoint, skipMultiplier, outputZeroPoint);
    }
}

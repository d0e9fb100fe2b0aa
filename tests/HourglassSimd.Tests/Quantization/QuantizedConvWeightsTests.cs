using FsCheck.Xunit;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tests.Quantization;

/// <summary>
/// Post-training quantization of one convolution: the activation ranges keep 0 exact, and a quantized convolution
/// (<see cref="QuantizedReferenceKernels.Conv"/> on <see cref="QuantizedConvWeights"/>) lands within its rounding
/// errors of the float convolution it stands for.
/// </summary>
public sealed class QuantizedConvWeightsTests
{
    [Theory]
    [InlineData(-1f, 3f)]
    [InlineData(0.5f, 7f)]     // widened to include 0
    [InlineData(-9f, -2f)]     // likewise
    [InlineData(0f, 0f)]
    public void Ranges_include_zero_and_represent_it_exactly(float min, float max)
    {
        var q = ActivationQuantization.FromRange(min, max);
        Assert.Equal(0f, q.Dequantize(q.Quantize(0f)));
        Assert.True(q.Dequantize(0) <= MathF.Min(min, 0) + q.Scale / 2 && q.Dequantize(255) >= MathF.Max(max, 0) - q.Scale / 2, $"{q}");
        for (float x = MathF.Min(min, 0); x <= MathF.Max(max, 0); x += (MathF.Max(max, 0) - MathF.Min(min, 0)) / 37 + 1e-3f)
            Assert.True(MathF.Abs(q.Dequantize(q.Quantize(x)) - x) <= q.Scale * 0.5001f, $"{x} in {q}");
    }

    [Theory]
    [InlineData(float.NaN, 1f)]
    [InlineData(0f, float.PositiveInfinity)]
    [InlineData(2f, 1f)]
    public void Ranges_must_be_finite_and_ordered(float min, float max) =>
        Assert.Throws<ArgumentException>(() => ActivationQuantization.FromRange(min, max));

    [Property(MaxTest = 60)]
    public void A_quantized_convolution_stays_within_its_rounding_errors_of_the_float_one(byte shape, bool sevenBit, int seed)
    {
        var random = new Random(seed);
        int k = shape % 2 == 0 ? 1 : 3, size = shape / 2 % 6 + 2, inChannels = shape / 12 % 9 + 1, outChannels = shape % 7 + 1;
        float[] x = Enumerable.Range(0, size * size * inChannels).Select(_ => (float)(random.NextDouble() * 4 - 1)).ToArray();
        float[] w = Enumerable.Range(0, outChannels * inChannels * k * k).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] b = Enumerable.Range(0, outChannels).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] expected = FloatConv(x, size, inChannels, w, b, outChannels, k);

        var input = ActivationQuantization.FromRange(x.Min(), x.Max());
        var output = ActivationQuantization.FromRange(expected.Min(), expected.Max());
        var q = new QuantizedConvWeights(w, b, outChannels, input, output, sevenBit ? Int8DirectConv.MaxPairWeight : 127);
        byte[] xq = x.Select(input.Quantize).ToArray();
        var yq = new byte[expected.Length];
        var floats = new float[expected.Length];
        QuantizedReferenceKernels.Conv(xq, size, size, inChannels, input.ZeroPoint, q.Weights, q.BiasQ, outChannels, k, 1, k / 2,
            q.Multipliers, output.ZeroPoint, relu: false, yq, floatMultipliers: q.FloatMultipliers, floatOutput: floats);

        int perChannel = inChannels * k * k;
        float largestInput = x.Max(MathF.Abs);
        for (int p = 0; p < size * size; p++)
        for (int o = 0; o < outChannels; o++)
        {
            // Each product errs by at most |w|·sx/2 + |x|·sw/2 + sx·sw/4; the bias by half an accumulator step.
            float sx = input.Scale, sw = q.WeightScales[o];
            double bound = sx * sw / 2 + perChannel * (0.5 * sx * w.Skip(o * perChannel).Take(perChannel).Max(MathF.Abs) + 0.5 * sw * largestInput + sx * sw / 4);
            float e = expected[p * outChannels + o];
            Assert.True(Math.Abs(floats[p * outChannels + o] - e) <= bound, $"float output {floats[p * outChannels + o]} against {e}, bound {bound}");
            Assert.True(Math.Abs(output.Dequantize(yq[p * outChannels + o]) - e) <= bound + output.Scale * 0.5001, $"u8 output against {e}");
        }
    }

    [Fact]
    public void Weights_use_the_whole_range_per_channel_and_a_zero_filter_stays_zero()
    {
        float[] w = [0.5f, -0.25f, 0, 0, 2f, 1f];
        var q = new QuantizedConvWeights(w, [0, 0, 0], 3, new ActivationQuantization(0.1f, 0), new ActivationQuantization(0.2f, 10));
        Assert.Equal(new sbyte[] { 127, -64, 0, 0, 127, 64 }, q.Weights); // −63.5 and 63.5 round half to even
        Assert.Equal(1f, q.WeightScales[1]);
        Assert.Equal(0.1f * (2f / 127) / 0.2f, q.Multipliers[2]);
        Assert.Throws<ArgumentException>(() => new QuantizedConvWeights([float.NaN], [0], 1, new(1, 0), new(1, 0)));
    }

    /// <summary>A plain float convolution over [size][size][in] with zero padding, into [size][size][out].</summary>
    private static float[] FloatConv(float[] x, int size, int inChannels, float[] w, float[] b, int outChannels, int k)
    {
        var y = new float[size * size * outChannels];
        int pad = k / 2;
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        for (int o = 0; o < outChannels; o++)
        {
            double sum = b[o];
            for (int i = 0; i < inChannels; i++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int yy = r + ky - pad, xx = c + kx - pad;
                if (yy >= 0 && yy < size && xx >= 0 && xx < size)
                    sum += x[(yy * size + xx) * inChannels + i] * w[((o * inChannels + i) * k + ky) * k + kx];
            }
            y[(r * size + c) * outChannels + o] = (float)sum;
        }
        return y;
    }
}

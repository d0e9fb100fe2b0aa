namespace HourglassSimd;

/// <summary>
/// Inference batch norm, y = γ·(x − μ)/√(σ² + ε) + β (ε = 1e-5 as in PyTorch), as a per-channel scale and shift,
/// and folded into the convolution it follows. Computed in double, rounded once to float.
/// </summary>
internal static class BatchNormFolding
{
    public const double Epsilon = 1e-5;

    /// <summary>scale = γ/√(σ² + ε), shift = β − μ·scale.</summary>
    public static (float[] Scale, float[] Shift) ScaleShift(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance)
    {
        var scale = new float[gamma.Length];
        var shift = new float[gamma.Length];
        for (int c = 0; c < gamma.Length; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + Epsilon);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }
        return (scale, shift);
    }

    /// <summary>BN(conv(x)) as one convolution: W'[o] = W[o]·scale[o], b'[o] = (b[o] − μ[o])·scale[o] + β[o].</summary>
    public static (float[] Weights, float[] Bias) FoldIntoConv(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance)
    {
        int outChannels = bias.Length;
        int perOutput = weights.Length / outChannels;
        var foldedWeights = new float[weights.Length];
        var foldedBias = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double s = gamma[o] / Math.Sqrt(variance[o] + Epsilon);
            for (int k = 0; k < perOutput; k++)
                foldedWeights[o * perOutput + k] = (float)(weights[o * perOutput + k] * s);
            foldedBias[o] = (float)((bias[o] - mean[o]) * s + beta[o]);
        }
        return (foldedWeights, foldedBias);
    }
}

namespace HourglassSimd.Kernels;

/// <summary>
/// The executable specification: plain nested loops over plain NCHW tensors of one image, accumulating in
/// double. Used as the oracle of every SIMD kernel's tests, by the test-side composition of the whole network,
/// and as the engine's <see cref="KernelIsa.Scalar"/> fallback.
/// </summary>
internal static class ReferenceKernels
{
    /// <summary>
    /// Convolution with zero padding over output channels [<paramref name="outChannelStart"/>, <paramref name="outChannelEnd"/>):
    /// <c>out[o,y,x] = act(bias[o] + Σ_i Σ_ky Σ_kx w[o,i,ky,kx] · pre(in[i, y·s+ky−pad, x·s+kx−pad]) + residual[o,y,x])</c>,
    /// where <c>pre(v) = max(v·prologueScale[i] + prologueShift[i], 0)</c> if a prologue is given and <c>act</c> is ReLU
    /// when <paramref name="relu"/>. Padding contributes 0 (the prologue applies to real pixels only).
    /// </summary>
    public static void Conv2d(
        ReadOnlySpan<float> input, int inChannels, int inHeight, int inWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outChannels, int kernelHeight, int kernelWidth,
        int stride, int pad, Span<float> output,
        ReadOnlySpan<float> prologueScale = default, ReadOnlySpan<float> prologueShift = default,
        ReadOnlySpan<float> residual = default, bool relu = false,
        int outChannelStart = 0, int outChannelEnd = -1)
    {
        int outHeight = (inHeight + 2 * pad - kernelHeight) / stride + 1;
        int outWidth = (inWidth + 2 * pad - kernelWidth) / stride + 1;
        if (outChannelEnd < 0) outChannelEnd = outChannels;
        bool prologue = !prologueScale.IsEmpty;
        bool hasResidual = !residual.IsEmpty;
        for (int o = outChannelStart; o < outChannelEnd; o++)
        for (int y = 0; y < outHeight; y++)
        for (int x = 0; x < outWidth; x++)
        {
            double sum = bias.IsEmpty ? 0 : bias[o];
            for (int i = 0; i < inChannels; i++)
            for (int ky = 0; ky < kernelHeight; ky++)
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                int iy = y * stride + ky - pad, ix = x * stride + kx - pad;
                if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth)
                    continue;
                float v = input[(i * inHeight + iy) * inWidth + ix];
                if (prologue)
                    v = Relu(v * prologueScale[i] + prologueShift[i]);
                sum += (double)weights[((o * inChannels + i) * kernelHeight + ky) * kernelWidth + kx] * v;
            }
            int at = (o * outHeight + y) * outWidth + x;
            if (hasResidual)
                sum += residual[at];
            float result = (float)sum;
            output[at] = relu ? Relu(result) : result;
        }
    }

    /// <summary>
    /// 3x3 stride-1 pad-1 depthwise convolution: <c>out[c,y,x] = act(bias[c] + Σ_ky Σ_kx w[c,ky,kx] · in[c, y+ky−1, x+kx−1] + residual[c,y,x])</c>
    /// over plain CHW, weights [c][3][3]; padding contributes 0.
    /// </summary>
    public static void DepthwiseConv3x3(ReadOnlySpan<float> input, int channels, int height, int width,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output, ReadOnlySpan<float> residual = default, bool relu = false)
    {
        for (int c = 0; c < channels; c++)
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double sum = bias[c];
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int iy = y + ky - 1, ix = x + kx - 1;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                    sum += (double)weights[c * 9 + ky * 3 + kx] * input[(c * height + iy) * width + ix];
            }
            int at = (c * height + y) * width + x;
            if (!residual.IsEmpty)
                sum += residual[at];
            float result = (float)sum;
            output[at] = relu ? Relu(result) : result;
        }
    }

    /// <summary><c>out[c, i] = x[c, i] · scale[c] + shift[c]</c> (an inference batch norm), then ReLU if asked.</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, int channels, int planeSize, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> output, bool relu)
    {
        for (int c = 0; c < channels; c++)
        for (int i = 0; i < planeSize; i++)
        {
            float v = x[c * planeSize + i] * scale[c] + shift[c];
            output[c * planeSize + i] = relu ? Relu(v) : v;
        }
    }

    /// <summary><c>out = max(x, 0)</c>.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> output)
    {
        for (int i = 0; i < x.Length; i++)
            output[i] = Relu(x[i]);
    }

    /// <summary><c>out = a + b</c>.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output)
    {
        for (int i = 0; i < a.Length; i++)
            output[i] = a[i] + b[i];
    }

    /// <summary>2x2 stride-2 max pooling over channels [<paramref name="channelStart"/>, <paramref name="channelEnd"/>).</summary>
    public static void MaxPool2x2(ReadOnlySpan<float> input, int channels, int inHeight, int inWidth, Span<float> output, int channelStart = 0, int channelEnd = -1)
    {
        int oh = inHeight / 2, ow = inWidth / 2;
        if (channelEnd < 0) channelEnd = channels;
        for (int c = channelStart; c < channelEnd; c++)
        for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
        {
            int i = (c * inHeight + 2 * y) * inWidth + 2 * x;
            output[(c * oh + y) * ow + x] = MathF.Max(MathF.Max(input[i], input[i + 1]), MathF.Max(input[i + inWidth], input[i + inWidth + 1]));
        }
    }

    /// <summary>
    /// Nearest 2x upsampling over channels [<paramref name="channelStart"/>, <paramref name="channelEnd"/>):
    /// <c>out[c, y, x] = low[c, y / 2, x / 2]</c>, or <c>out[c, y, x] += low[c, y / 2, x / 2]</c> when <paramref name="accumulate"/>.
    /// </summary>
    public static void UpsampleNearest2x(ReadOnlySpan<float> low, int channels, int lowHeight, int lowWidth, Span<float> output, bool accumulate, int channelStart = 0, int channelEnd = -1)
    {
        int h = 2 * lowHeight, w = 2 * lowWidth;
        if (channelEnd < 0) channelEnd = channels;
        for (int c = channelStart; c < channelEnd; c++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float v = low[(c * lowHeight + y / 2) * lowWidth + x / 2];
            int at = (c * h + y) * w + x;
            output[at] = accumulate ? output[at] + v : v;
        }
    }

    private static float Relu(float v) => v > 0 ? v : 0;
}

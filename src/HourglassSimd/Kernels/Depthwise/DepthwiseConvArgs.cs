namespace HourglassSimd.Kernels;

/// <summary>
/// One 3x3 stride-1 depthwise convolution over NCHW16c activations, with its fused epilogue:
/// <c>out[c, y, x] = act(bias[c] + Σ_ky Σ_kx W[c, ky, kx] · in[c, y + ky − 1, x + kx − 1] + res[c, y, x])</c>,
/// <c>act</c> ReLU or identity. The input is read through a zero halo at least 1 wide: <see cref="Input"/> points at
/// the padded origin (row −1, column −1). Input, output and residual have the same channel count.
/// </summary>
internal unsafe struct DepthwiseConvArgs
{
    public float* Input;
    public nint InGroupStride;
    public nint InRowStride;

    public float* Output;
    public nint OutGroupStride;
    public nint OutRowStride;
    public int Height;
    public int Width;

    /// <summary>16-channel groups (channels rounded up / 16).</summary>
    public int Groups;

    /// <summary>Added before the activation; same layout as <see cref="Output"/> (may alias it), or null.</summary>
    public float* Residual;

    /// <summary>Packed as [group][ky · 3 + kx][16], zero lanes past the channel count.</summary>
    public float* Weights;

    /// <summary>Groups · 16 values, zero past the channel count.</summary>
    public float* Bias;

    public bool Relu;
}

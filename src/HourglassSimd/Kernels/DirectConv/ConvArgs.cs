namespace HourglassSimd.Kernels;

/// <summary>
/// One direct convolution over channel-packed activations, with its fused prologue and epilogue:
/// <c>out[o, y, x] = act(bias[o] + Σ_i Σ_ky Σ_kx W[o, i, ky, kx] · pre(in[i, y·s + ky − pad, x·s + kx − pad]) + res[o, y, x])</c>
/// where <c>pre(v) = max(v·scale[i] + shift[i], 0)</c> when a prologue is given (else <c>v</c>) and <c>act</c> is ReLU or identity.
/// </summary>
/// <remarks>
/// Layouts. An activation with pack P stores element (c, y, x) at
/// <c>(c / P) · GroupStride + y · RowStride + x · P + c % P</c>; P = 16 is NCHW16c, P = 1 is plain NCHW.
/// The input is read through a zero halo at least <c>pad</c> wide, so the kernel has no border branches:
/// <see cref="Input"/> points at the padded origin (row −pad, column −pad). The output is always P = 16.
/// Weights are packed once at load as <c>[ky][kx][i][o]</c> with o padded to a multiple of 16 (zeros), in blocks of
/// 64 output channels (<see cref="WeightBlocks"/>).
/// </remarks>
internal unsafe struct ConvArgs
{
    public float* Input;
    public int InChannels;
    public int InPack;
    public nint InGroupStride;
    public nint InRowStride;

    public float* Output;
    public nint OutGroupStride;
    public nint OutRowStride;
    public int OutHeight;
    public int OutWidth;
    /// <summary>Output channels rounded up to 16 (the packed weight row length).</summary>
    public int OutChannelsPadded;

    /// <summary>Added before the activation; same layout as <see cref="Output"/> (may alias it), or null.</summary>
    public float* Residual;

    public float* Weights;
    public float* Bias;
    public int KernelHeight;
    public int KernelWidth;
    public int Stride;

    /// <summary>Per-input-channel scale and shift of a fused BN+ReLU prologue (length rounded up to 16), or null.</summary>
    public float* PrologueScale;
    public float* PrologueShift;

    public bool Relu;

    /// <summary>
    /// <see cref="DirectConv.UseSharedPrologue"/> as it was when these arguments were bound. The kernel reads this copy
    /// both to count a layer's items and in every item, so a flip of the switch during a run cannot make the two
    /// disagree (it decides how items are numbered).
    /// </summary>
    public bool MaySharePrologue;
}

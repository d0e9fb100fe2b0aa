namespace HourglassSimd.Topology;

/// <summary>
/// One convolution of the network with what belongs to it: <c>relu(conv(prologue(input)) + residual)</c>, where the
/// batch norm after the convolution (trained form) folds into its weights and bias.
/// </summary>
/// <param name="Name">Tensor prefix of the weights <c>Name.weight</c> (OIHW) and <c>Name.bias</c>, e.g. <c>pre.0.conv</c>.</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="KernelSize">Square kernel side (7, 3 or 1).</param>
/// <param name="Stride">Stride in both directions.</param>
/// <param name="Padding">Zero padding on every side.</param>
/// <param name="BatchNorm">Tensor prefix of the batch norm that follows the convolution (trained form only), or null.</param>
/// <param name="Prologue">Batch norm + ReLU on the input, or null.</param>
/// <param name="Relu">Whether a ReLU follows (after the residual sum, if any).</param>
/// <param name="SumName">Name of the residual sum when the step adds a residual (e.g. <c>hgs.0.0.up1.add</c>), or null.</param>
/// <param name="Groups">
/// Channel groups, as PyTorch's and ONNX's <c>groups</c>: 1 for a full convolution; equal to the channel count for a
/// depthwise one (each output channel filters its own input channel). The weight is [out, in / groups, k, k].
/// </param>
public sealed record ConvStep(
    string Name, int InChannels, int OutChannels, int KernelSize, int Stride = 1, int Padding = 0,
    string? BatchNorm = null, PreActivation? Prologue = null, bool Relu = false, string? SumName = null, int Groups = 1)
{
    /// <summary>Whether each channel has its own filter (<see cref="Groups"/> = in = out channels, more than one).</summary>
    public bool IsDepthwise => Groups > 1 && Groups == InChannels && Groups == OutChannels;

    /// <summary>Input channels each output channel reads: <c>InChannels / Groups</c>.</summary>
    public int InChannelsPerGroup => InChannels / Groups;

    /// <summary>Output side for an input side of <paramref name="inputSize"/> pixels.</summary>
    public int OutputSize(int inputSize) => (inputSize + 2 * Padding - KernelSize) / Stride + 1;

    /// <summary>Multiply-accumulates for an output of <paramref name="outHeight"/> x <paramref name="outWidth"/> pixels.</summary>
    public long MacCount(int outHeight, int outWidth) => (long)OutChannels * InChannelsPerGroup * KernelSize * KernelSize * outHeight * outWidth;
}

using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A network's folded weights and their packed forms, shared by the plans of every input size: a layer's weights
/// are packed once per form (direct or Winograd), the first time a plan needs that form, whatever the plan's size.
/// Safe to use from plans built on several threads at once.
/// </summary>
internal sealed class PackedWeights(HourglassWeights folded, KernelIsa isa)
{
    private readonly Dictionary<string, PackedConv> _direct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PackedWinogradConv> _winograd = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PackedDepthwiseConv> _depthwise = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The kernel path every plan of these weights runs on.</summary>
    public KernelIsa Isa { get; } = isa;

    /// <summary>The folded weights (<see cref="HourglassWeights.Fold"/>), read by the scalar path and for packing.</summary>
    public HourglassWeights Folded { get; } = folded;

    /// <summary>The convolution <paramref name="prefix"/> (its <c>.weight</c> and <c>.bias</c>), unpacked.</summary>
    public ConvParameters Conv(string prefix, int stride, int pad)
    {
        var weight = Folded.Get(prefix + ".weight");
        return new ConvParameters(weight.Data, Folded.Get(prefix + ".bias").Data, weight.Shape[0], weight.Shape[1], weight.Shape[2], stride, pad);
    }

    /// <summary>The direct-convolution packing of <paramref name="prefix"/> (the SIMD paths only).</summary>
    public PackedConv Direct(string prefix, ConvParameters conv, (float[] Scale, float[] Shift)? prologue, bool relu)
    {
        lock (_lock)
        {
            if (!_direct.TryGetValue(prefix, out var packed))
                _direct.Add(prefix, packed = new PackedConv(conv, prologue, relu));
            return packed;
        }
    }

    /// <summary>The Winograd F(4x4, 3x3) packing of <paramref name="prefix"/> (the SIMD paths only).</summary>
    public PackedWinogradConv Winograd(string prefix, ConvParameters conv, bool relu)
    {
        lock (_lock)
        {
            if (!_winograd.TryGetValue(prefix, out var packed))
                _winograd.Add(prefix, packed = new PackedWinogradConv(conv, relu));
            return packed;
        }
    }

    /// <summary>The depthwise 3x3 packing of <paramref name="prefix"/> (the SIMD paths only).</summary>
    public PackedDepthwiseConv Depthwise(string prefix, ConvParameters conv, bool relu)
    {
        lock (_lock)
        {
            if (!_depthwise.TryGetValue(prefix, out var packed))
                _depthwise.Add(prefix, packed = new PackedDepthwiseConv(conv.Weights, conv.Bias, conv.OutChannels, relu));
            return packed;
        }
    }
}

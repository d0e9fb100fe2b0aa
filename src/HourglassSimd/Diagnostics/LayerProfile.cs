using HourglassSimd.Graph;

namespace HourglassSimd.Diagnostics;

/// <summary>
/// One layer of a profiled forward pass (<c>HourglassNetwork.ProfileLayers</c>): its description, multiply-accumulates,
/// median time, and the bytes it moves per image, as the memory-traffic report counts them: the packed weights it
/// reads, every activation buffer it reads or writes once each (halos and channel padding included, an in-place
/// output counted as a write besides its read), and its scratch written then read (Winograd's transformed tiles).
/// A lower bound on what crosses the caches: a layer that re-reads its input per output-channel group moves more.
/// </summary>
internal sealed record LayerProfile(string Layer, long Macs, double MedianMs, long WeightBytes, long ActivationBytes, long ScratchBytes)
{
    public long Bytes => WeightBytes + ActivationBytes + ScratchBytes;

    public static LayerProfile Of(Layer layer, double medianMs)
    {
        var buffers = layer.Inputs.Select(v => v.Layout.Size).ToList();
        if (layer.Output is { } output)
            buffers.Add(output.Layout.Size);
        return new LayerProfile(layer.Describe(), layer.MacCount, medianMs, layer.WeightBytes, buffers.Sum(size => (long)size) * sizeof(float),
            2L * layer.ScratchFloats * sizeof(float));
    }
}

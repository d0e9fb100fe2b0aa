namespace HourglassSimd.Topology;

/// <summary>One residual module of a network: its tensor prefix and its widths (in → inner → out).</summary>
/// <param name="Prefix">Tensor prefix, e.g. <c>hgs.0.0.low1</c>.</param>
/// <param name="InChannels">Channels of the module input.</param>
/// <param name="InnerChannels">Width inside the bottleneck (conv1 output, conv2, conv3 input): out/2 unless narrowed.</param>
/// <param name="OutChannels">Channels of the module output.</param>
public sealed record ResidualModule(string Prefix, int InChannels, int InnerChannels, int OutChannels);

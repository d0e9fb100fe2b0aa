using HourglassSimd.Quantization;

namespace HourglassSimd.Graph;

/// <summary>
/// A named activation of a quantized plan (a u8 map, or a map of its float residual stream) that can be read back as
/// plain floats right after the layer that writes it
/// (<see cref="HourglassNetwork.ProbeActivations"/>): what the quantizer compares with the float run, tensor by tensor.
/// </summary>
/// <param name="Layer">Index of the layer that writes it.</param>
/// <param name="Name">Its <see cref="ActivationNames"/> name.</param>
/// <param name="Value">The value: u8 channel-last, or float NCHW16c.</param>
/// <param name="Quantization">How a u8 value's bytes represent reals; null for a float value.</param>
internal sealed record ActivationProbe(int Layer, string Name, Value Value, ActivationQuantization? Quantization);

using HourglassSimd.Quantization;

namespace HourglassSimd.Graph;

/// <summary>
/// A named u8 activation of a quantized plan that can be read back, dequantized, right after the layer that writes it
/// (<see cref="HourglassNetwork.ProbeActivations"/>): what the quantizer compares with the float run, tensor by tensor.
/// </summary>
/// <param name="Layer">Index of the layer that writes it.</param>
/// <param name="Name">Its <see cref="ActivationNames"/> name.</param>
/// <param name="Value">The u8 channel-last value.</param>
/// <param name="Quantization">How its bytes represent reals.</param>
internal sealed record ActivationProbe(int Layer, string Name, Value Value, ActivationQuantization Quantization);

namespace HourglassSimd.Quantization;

/// <summary>
/// One tensor of a quantization report. For an activation: its calibrated range, the u8 scale and zero point chosen
/// from it, and the signal-to-noise ratio of the int8 network's tensor against the float network's on the comparison
/// images (<see cref="QuantizationOptions.ComparisonImages"/>): the error accumulated up to that tensor. For a
/// convolution's weights: their range and the SQNR of the s8 weights against the float ones. In dB.
/// </summary>
/// <param name="Name">The activation's or the convolution's name (e.g. <c>hgs.0.0.up1.conv2.conv</c>).</param>
/// <param name="Kind"><c>activation</c> or <c>weights</c>.</param>
/// <param name="Min">Smallest value (activations: the calibrated range's low end).</param>
/// <param name="Max">Largest value.</param>
/// <param name="Scale">Activations: the u8 step; weights: the largest per-channel scale.</param>
/// <param name="ZeroPoint">Activations: the u8 zero point; weights: 0.</param>
/// <param name="SqnrDb">Weights: the SQNR of the quantized weights; activations: of the int8 network's tensor (NaN with no comparison image).</param>
public sealed record QuantizedTensorReport(string Name, string Kind, float Min, float Max, float Scale, int ZeroPoint, double SqnrDb);

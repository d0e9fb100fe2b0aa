namespace HourglassSimd.Quantization;

/// <summary>Choices of <see cref="HourglassQuantizer.Quantize"/>.</summary>
public sealed record QuantizationOptions
{
    /// <summary>
    /// <see cref="ModelPrecision.Int8"/> (default: s8 weights, u8 activations) or <see cref="ModelPrecision.Int16"/>
    /// (s16 weights and activations: about twice the int8 file, closer to float32; calibrated with minmax or percentile).
    /// </summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Int8;

    /// <summary>How activation ranges are calibrated. Default <see cref="CalibrationMethod.MinMax"/>.</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the share of values (in percent, 90 to 100) kept inside the range at each end. Default 99.99.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>
    /// Convolutions to keep in float32 (mixed precision), as patterns matched against each convolution's name and its
    /// dotted prefixes, <c>*</c> matching any characters: <c>pre.0</c> keeps the stem, <c>hgs.1.0.low2</c> every
    /// convolution of that branch. A kept convolution's float output keeps the convolutions after it in float until the
    /// next residual module's batch norm. Recorded in the model file. Default: none.
    /// </summary>
    public IReadOnlyList<string> KeepFloat { get; init; } = [];

    /// <summary>Calibration images whose heatmaps are compared, quantized against float, for the report (<see cref="QuantizationResult.HeatmapSqnrDb"/>, and each activation's <see cref="QuantizedTensorReport.SqnrDb"/>); 0 for none (NaN in the report). Default 8.</summary>
    public int ComparisonImages { get; init; } = 8;
}

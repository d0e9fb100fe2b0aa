namespace HourglassSimd.Quantization;

/// <summary>How post-training quantization turns calibration activations into each tensor's range.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen over all calibration images.</summary>
    MinMax = 0,

    /// <summary>
    /// Per image, the <see cref="QuantizationOptions.Percentile"/>-th percentile of the values at each end, averaged over
    /// the images: rare outliers no longer stretch the scale of every other value.
    /// </summary>
    Percentile = 1,

    /// <summary>
    /// The range that minimizes the expected squared quantization error (clipping plus rounding) of each tensor's
    /// values over all calibration images, from a histogram over the full range: a second pass over the images.
    /// </summary>
    Mse = 2,
}

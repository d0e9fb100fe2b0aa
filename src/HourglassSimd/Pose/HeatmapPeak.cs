namespace HourglassSimd.Pose;

/// <summary>
/// A decoded heatmap maximum: <see cref="X"/>, <see cref="Y"/> in continuous heatmap coordinates (pixel k spans
/// [k, k+1), so an unrefined peak at index k is at k + 0.5), the integer argmax and the peak value.
/// </summary>
/// <param name="X">Refined x in heatmap coordinates.</param>
/// <param name="Y">Refined y in heatmap coordinates.</param>
/// <param name="Confidence">The maximum heatmap value.</param>
/// <param name="ArgmaxX">Column of the maximum (first in row-major order).</param>
/// <param name="ArgmaxY">Row of the maximum.</param>
public readonly record struct HeatmapPeak(float X, float Y, float Confidence, int ArgmaxX, int ArgmaxY);

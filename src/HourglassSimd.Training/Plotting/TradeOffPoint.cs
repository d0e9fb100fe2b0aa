namespace HourglassSimd.Training;

/// <summary>One model on a <see cref="TradeOffPlot"/>: its time per pass and its accuracy.</summary>
/// <param name="Label">The name written beside the point (a model file's name).</param>
/// <param name="Milliseconds">Median time of one forward pass; positive.</param>
/// <param name="Pckh">PCKh@0.5 in percent.</param>
/// <param name="Quantized">An integer model: drawn as a square instead of a disc.</param>
public readonly record struct TradeOffPoint(string Label, double Milliseconds, double Pckh, bool Quantized = false);

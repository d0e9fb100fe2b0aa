namespace HourglassSimd.Quantization;

/// <summary>What <see cref="HourglassQuantizer.Quantize"/> made and measured.</summary>
public sealed class QuantizationResult
{
    internal QuantizationResult(HourglassModelFile model, IReadOnlyList<QuantizedTensorReport> tensors, IReadOnlyList<double> heatmapSqnrDb, int images)
    {
        Model = model;
        Tensors = tensors;
        HeatmapSqnrDb = heatmapSqnrDb;
        CalibrationImages = images;
    }

    /// <summary>The quantized model (save it with <see cref="HourglassModelFile.Save(string)"/>).</summary>
    public HourglassModelFile Model { get; }

    /// <summary>Every convolution's weights and every stored activation, in network order.</summary>
    public IReadOnlyList<QuantizedTensorReport> Tensors { get; }

    /// <summary>
    /// Per stack, the signal-to-noise ratio in dB of the quantized network's heatmaps against the float network's, on
    /// the first <see cref="QuantizationOptions.ComparisonImages"/> calibration images: 10 · log10(Σ f² / Σ (q − f)²).
    /// </summary>
    public IReadOnlyList<double> HeatmapSqnrDb { get; }

    /// <summary>Calibration images run.</summary>
    public int CalibrationImages { get; }
}

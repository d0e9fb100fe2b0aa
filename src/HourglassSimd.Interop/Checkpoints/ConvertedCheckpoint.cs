namespace HourglassSimd.Interop.Checkpoints;

/// <summary>The result of <see cref="CheckpointConverter.Convert"/>: the model ready to save, and what was stripped or left out.</summary>
/// <param name="Model">Architecture, folded weights and normalization; <see cref="HourglassModelFile.Save(string)"/> writes it.</param>
/// <param name="Prefix">The key prefix that was stripped (empty when there was none).</param>
/// <param name="Ignored">Tensors left out on purpose, with full keys as stored.</param>
public sealed record ConvertedCheckpoint(HourglassModelFile Model, string Prefix, IReadOnlyList<IgnoredTensor> Ignored);

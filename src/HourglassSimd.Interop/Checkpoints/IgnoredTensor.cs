namespace HourglassSimd.Interop.Checkpoints;

/// <summary>A checkpoint tensor the conversion left out on purpose, and why.</summary>
public sealed record IgnoredTensor(string Name, IgnoredTensorReason Reason);

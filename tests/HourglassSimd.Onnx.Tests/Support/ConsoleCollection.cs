namespace HourglassSimd.Onnx.Tests.Support;

/// <summary>Tests that redirect <see cref="Console"/> (process-wide) run one at a time, apart from the others.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

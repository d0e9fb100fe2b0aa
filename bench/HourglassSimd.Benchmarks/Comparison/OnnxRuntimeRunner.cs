using HourglassSimd.Interop.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// ONNX Runtime (CPU execution provider) on the model that <see cref="HourglassOnnxExporter"/> writes for the same
/// weights (for an int8 model, its QDQ form: ONNX Runtime's int8 kernels). Input and output are <see cref="OrtValue"/>s over pinned managed arrays, bound once through an
/// <see cref="OrtIoBinding"/>, so each <see cref="Run"/> is a single native call that reads the shared input in
/// place and writes the pre-allocated output.
/// </summary>
public sealed class OnnxRuntimeRunner : IForwardRunner
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly float[] _outputBuffer;

    /// <summary>
    /// Exports the setup's network with its batch size fixed (<see cref="OnnxExportOptions.Batch"/>: lets ONNX Runtime
    /// prove shapes equal and fuse more) and prepares a session for it.
    /// </summary>
    public OnnxRuntimeRunner(ForwardSetup setup, OnnxRuntimeSettings? settings = null)
        : this(setup, ExportFor(setup), settings)
    {
    }

    /// <summary>Runs an already exported model (it must have the exporter's input and output names and shapes).</summary>
    public OnnxRuntimeRunner(ForwardSetup setup, byte[] onnxModel, OnnxRuntimeSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(onnxModel);
        settings ??= OnnxRuntimeSettings.BestLatency;
        _options = settings.CreateSessionOptions(setup.Threads);
        try
        {
            _session = new InferenceSession(onnxModel, _options);
            _runOptions = new RunOptions();
            _outputBuffer = new float[setup.OutputLength];
            _input = OrtValue.CreateTensorValueFromMemory(setup.Input, setup.InputShape);
            _output = OrtValue.CreateTensorValueFromMemory(_outputBuffer, setup.OutputShape);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(HourglassOnnxExporter.InputName, _input);
            _binding.BindOutput(HourglassOnnxExporter.OutputName, _output);
        }
        catch
        {
            Dispose();
            throw;
        }
        string form = setup.Model switch
        {
            { Precision: ModelPrecision.Int8 } => ", int8 QDQ model",
            { Precision: ModelPrecision.Int16 } => ", the int16 model's dequantized weights in float32",
            _ => "",
        };
        Description = $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} CPU, {setup.Threads} intra-op thread(s), {settings}{form}";
    }

    public string Name => "OnnxRuntime";

    /// <summary>
    /// The setup's network with its batch fixed: an int8 model in its QDQ form (ONNX Runtime fuses it into
    /// <c>QLinearConv</c>, its own int8 kernels), any other as float32 (an int16 model: its dequantized weights; the
    /// exporter writes no int16 QDQ).
    /// </summary>
    private static byte[] ExportFor(ForwardSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var options = new OnnxExportOptions { Batch = setup.Batch };
        if (setup.Model is { Precision: ModelPrecision.Int8 } quantized)
            return HourglassOnnxExporter.ExportToBytes(quantized.WithInputSize(setup.Architecture.InputHeight, setup.Architecture.InputWidth), out _, options);
        return HourglassOnnxExporter.ExportToBytes(setup.Architecture, setup.Weights, options);
    }

    public string Description { get; }

    /// <summary>The session (for metadata and profiling).</summary>
    public InferenceSession Session => _session;

    public ReadOnlySpan<float> Output => _outputBuffer;

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding?.Dispose();
        _output?.Dispose();
        _input?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
        _options.Dispose();
    }
}

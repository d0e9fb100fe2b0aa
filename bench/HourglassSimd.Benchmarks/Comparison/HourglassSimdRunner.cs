namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>HourglassSimd itself: <see cref="HourglassNetwork.Run(ReadOnlySpan{float}, Span{float})"/> into a pre-allocated buffer (no allocation once warm).</summary>
public sealed class HourglassSimdRunner : IForwardRunner
{
    private readonly HourglassNetwork _network;
    private readonly float[] _input;
    private readonly float[] _output;

    public HourglassSimdRunner(ForwardSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var options = new HourglassOptions { MaxDegreeOfParallelism = setup.Threads, Isa = setup.Isa, Convolution = setup.Convolution };
        _network = setup.Model is { } model
            ? model.WithInputSize(setup.Architecture.InputHeight, setup.Architecture.InputWidth).CreateNetwork(options)
            : HourglassNetwork.Create(setup.Architecture, setup.Weights, options);
        Name = setup.Convolution == ConvolutionMode.DirectOnly ? "HourglassSimd/Direct" : "HourglassSimd";
        _input = setup.Input;
        _output = new float[setup.OutputLength];
        string kernels = _network.QuantizedKernels is { } quantized ? quantized : $"{_network.Isa}, {setup.Convolution}";
        Description = $"HourglassSimd {typeof(HourglassNetwork).Assembly.GetName().Version}, {kernels}, {_network.ThreadCount} thread(s)";
    }

    /// <summary>"HourglassSimd", or "HourglassSimd/Direct" for <see cref="ConvolutionMode.DirectOnly"/>.</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>The network being run.</summary>
    public HourglassNetwork Network => _network;

    public ReadOnlySpan<float> Output => _output;

    public void Run() => _network.Run(_input, _output);

    public void Dispose() => _network.Dispose();
}

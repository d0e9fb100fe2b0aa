using BenchmarkDotNet.Attributes;
using HourglassSimd.Kernels;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Tensors;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>
/// The quantized 1x1 convolution (<see cref="PointwiseInt8Conv"/>, requantization fused) against the float direct
/// convolution on the same shapes, one thread: what int8 gains per layer before any quantized network exists. The
/// float rows use Vector512 and the engine's NCHW16c layout; the int8 rows channel-last u8 with four channels per lane.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public unsafe class Int8PointwiseBenchmarks
{
    private ConvArgs _float;
    private PointwiseInt8Args _int8;
    private AlignedBuffer _floatInput = null!, _floatOutput = null!;
    private byte[] _input = null!, _output = null!;
    private sbyte[] _weights = null!;
    private int[] _starts = null!;
    private float[] _multipliers = null!;
    private System.Runtime.InteropServices.GCHandle[] _pins = [];
    private SimdKernelSet _kernels = null!;

    [ParamsSource(nameof(Shapes))]
    public ConvShape Shape { get; set; } = null!;

    /// <summary>The residual module's 1x1 convolutions at the largest and a middle hourglass resolution.</summary>
    public static IEnumerable<ConvShape> Shapes() =>
    [
        new("res.conv1", 1, 1, 256, 128, 64, 64, Relu: true),
        new("res.conv3", 1, 1, 128, 256, 64, 64),
        new("res.conv1", 1, 1, 256, 128, 16, 16, Relu: true),
        new("res.conv3", 1, 1, 128, 256, 16, 16),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var s = Shape;
        var random = new Random(1);
        var conv = new ConvParameters(TestArrays.Uniform(random, s.OutChannels * s.InChannels, -0.1f, 0.1f), TestArrays.Uniform(random, s.OutChannels, -0.1f, 0.1f),
            s.OutChannels, s.InChannels, 1, 1, 0);
        var packed = new PackedConv(conv, null, s.Relu);
        var layoutIn = new ActivationLayout(s.InChannels, s.Height, s.Width, 16, 0);
        var layoutOut = new ActivationLayout(s.OutChannels, s.Height, s.Width, 16, 0);
        _floatInput = new AlignedBuffer(layoutIn.Size);
        _floatOutput = new AlignedBuffer(layoutOut.Size);
        layoutIn.PackFrom(TestArrays.Uniform(random, s.InChannels * s.Height * s.Width, 0, 1), _floatInput.Pointer);
        _float = packed.Bind(_floatInput.Pointer, layoutIn, _floatOutput.Pointer, layoutOut, null, layoutOut);
        _kernels = SimdKernelSet.All.Single(k => k.Isa == KernelIsa.Vector512);

        int pixels = s.Height * s.Width;
        int inPadded = PointwiseInt8Conv.PaddedInChannels(s.InChannels), outPadded = PointwiseInt8Conv.PaddedOutChannels(s.OutChannels);
        _input = new byte[pixels * inPadded];
        random.NextBytes(_input);
        var weights = new sbyte[s.OutChannels * s.InChannels];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (sbyte)random.Next(PointwiseInt8Conv.MinPairWeight, PointwiseInt8Conv.MaxPairWeight + 1);
        _weights = PointwiseInt8Conv.PackWeights(weights, s.OutChannels, s.InChannels);
        _starts = new int[outPadded];
        for (int o = 0; o < s.OutChannels; o++)
            _starts[o] = Requantization.StartValue(random.Next(-1000, 1000), weights.AsSpan(o * s.InChannels, s.InChannels), 3);
        _multipliers = Enumerable.Repeat(1e-3f, outPadded).ToArray();
        _output = new byte[pixels * outPadded];
        _pins = [Pin(_input), Pin(_weights), Pin(_starts), Pin(_multipliers), Pin(_output)];
        _int8 = new PointwiseInt8Args
        {
            Input = (byte*)_pins[0].AddrOfPinnedObject(), InPixelStride = inPadded, Pixels = pixels, InChannelsPadded = inPadded,
            Weights = (sbyte*)_pins[1].AddrOfPinnedObject(), OutChannelsPadded = outPadded, StartValues = (int*)_pins[2].AddrOfPinnedObject(),
            Multipliers = (float*)_pins[3].AddrOfPinnedObject(), OutputZeroPoint = 3, Relu = s.Relu,
            Output = (byte*)_pins[4].AddrOfPinnedObject(), OutPixelStride = outPadded,
        };
    }

    private static System.Runtime.InteropServices.GCHandle Pin(object array) =>
        System.Runtime.InteropServices.GCHandle.Alloc(array, System.Runtime.InteropServices.GCHandleType.Pinned);

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var pin in _pins)
            pin.Free();
    }

    [Benchmark(Baseline = true)]
    public void Float32Vector512() => _kernels.DirectConv(_float);

    [Benchmark]
    public void Int8Vnni256() => PointwiseInt8Conv.Run<VnniDotProduct256>(_int8);

    [Benchmark]
    public void Int8Avx512BwPair() => PointwiseInt8Conv.Run512(_int8);
}

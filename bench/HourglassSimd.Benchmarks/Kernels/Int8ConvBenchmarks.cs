using BenchmarkDotNet.Attributes;
using HourglassSimd.Kernels;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Tensors;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>
/// The quantized direct convolution (<see cref="Int8DirectConv"/>, requantization fused) against the float direct
/// convolution on the same shapes, one thread: what int8 gains per layer before any quantized network exists. The
/// float rows use Vector512 and the engine's NCHW16c layout; the int8 rows channel-last u8 with four channels per lane.
/// 3x3 inputs carry a one-pixel halo in both forms (zeros in float, the zero point in int8). The float-output row is
/// the int8 kernel writing dequantized floats (NCHW16c) instead of u8, as a residual module's last convolution does.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Kernels")]
public unsafe class Int8ConvBenchmarks
{
    private ConvArgs _float;
    private Int8ConvArgs _int8;
    private Int8ConvArgs _int8FloatOut;
    private AlignedBuffer _floatInput = null!, _floatOutput = null!, _dequantized = null!;
    private byte[] _input = null!, _output = null!;
    private sbyte[] _weights = null!;
    private int[] _starts = null!;
    private float[] _multipliers = null!;
    private System.Runtime.InteropServices.GCHandle[] _pins = [];
    private SimdKernelSet _kernels = null!;

    [ParamsSource(nameof(Shapes))]
    public ConvShape Shape { get; set; } = null!;

    /// <summary>
    /// The residual module's convolutions at the largest and a middle hourglass resolution, and two narrow layers of
    /// the demo model pruned to 25% of its MACs (docs/model-zoo.md), where the per-item costs weigh most.
    /// </summary>
    public static IEnumerable<ConvShape> Shapes() =>
    [
        new("res.conv1", 1, 1, 256, 128, 64, 64, Relu: true),
        new("res.conv2", 3, 1, 128, 128, 64, 64, Relu: true),
        new("res.conv3", 1, 1, 128, 256, 64, 64),
        new("res.conv1", 1, 1, 256, 128, 16, 16, Relu: true),
        new("res.conv2", 3, 1, 128, 128, 16, 16, Relu: true),
        new("res.conv3", 1, 1, 128, 256, 16, 16),
        new("pruned.skip", 1, 1, 16, 128, 64, 64),
        new("pruned.conv2", 3, 1, 24, 24, 64, 64, Relu: true),
    ];

    [GlobalSetup]
    public void Setup()
    {
        var s = Shape;
        var random = new Random(1);
        int taps = s.Kernel * s.Kernel;
        var conv = new ConvParameters(TestArrays.Uniform(random, s.OutChannels * s.InChannels * taps, -0.1f, 0.1f), TestArrays.Uniform(random, s.OutChannels, -0.1f, 0.1f),
            s.OutChannels, s.InChannels, s.Kernel, 1, s.Pad);
        var packed = new PackedConv(conv, null, s.Relu);
        var layoutIn = new ActivationLayout(s.InChannels, s.Height, s.Width, 16, s.Pad);
        var layoutOut = new ActivationLayout(s.OutChannels, s.Height, s.Width, 16, 0);
        _floatInput = new AlignedBuffer(layoutIn.Size);
        _floatOutput = new AlignedBuffer(layoutOut.Size);
        layoutIn.PackFrom(TestArrays.Uniform(random, s.InChannels * s.Height * s.Width, 0, 1), _floatInput.Pointer);
        _float = packed.Bind(_floatInput.Pointer, layoutIn, _floatOutput.Pointer, layoutOut, null, layoutOut);
        _kernels = SimdKernelSet.All.Single(k => k.Isa == KernelIsa.Vector512);

        int paddedWidth = s.Width + 2 * s.Pad, paddedPixels = (s.Height + 2 * s.Pad) * paddedWidth, pixels = s.Height * s.Width;
        int inPadded = Int8DirectConv.PaddedInChannels(s.InChannels), outPadded = Int8DirectConv.PaddedOutChannels(s.OutChannels);
        _input = new byte[paddedPixels * inPadded];
        random.NextBytes(_input);
        var weights = new sbyte[s.OutChannels * s.InChannels * taps];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (sbyte)random.Next(Int8DirectConv.MinPairWeight, Int8DirectConv.MaxPairWeight + 1);
        _weights = Int8DirectConv.PackWeights(weights, s.OutChannels, s.InChannels, s.Kernel);
        _starts = new int[outPadded];
        for (int o = 0; o < s.OutChannels; o++)
            _starts[o] = Requantization.StartValue(random.Next(-1000, 1000), weights.AsSpan(o * s.InChannels * taps, s.InChannels * taps), 3);
        _multipliers = Enumerable.Repeat(1e-3f, outPadded).ToArray();
        _output = new byte[pixels * outPadded];
        _dequantized = new AlignedBuffer(layoutOut.Size);
        _pins = [Pin(_input), Pin(_weights), Pin(_starts), Pin(_multipliers), Pin(_output)];
        _int8 = new Int8ConvArgs
        {
            Input = (byte*)_pins[0].AddrOfPinnedObject(), InRowStride = (nint)paddedWidth * inPadded, InPixelStride = inPadded,
            OutHeight = s.Height, OutWidth = s.Width, KernelSize = s.Kernel, Stride = 1, InChannelsPadded = inPadded,
            Weights = (sbyte*)_pins[1].AddrOfPinnedObject(), OutChannelsPadded = outPadded, StartValues = (int*)_pins[2].AddrOfPinnedObject(),
            Multipliers = (float*)_pins[3].AddrOfPinnedObject(), OutputZeroPoint = 3, Relu = s.Relu,
            Output = (byte*)_pins[4].AddrOfPinnedObject(), OutRowStride = (nint)s.Width * outPadded, OutPixelStride = outPadded,
        };
        _int8FloatOut = _int8;
        _int8FloatOut.Output = null;
        _int8FloatOut.FloatOutput = _dequantized.Pointer;
        _int8FloatOut.FloatGroupStride = layoutOut.GroupStride;
        _int8FloatOut.FloatRowStride = layoutOut.RowStride;
        _int8FloatOut.FloatPixelStride = layoutOut.Pack;
        _int8FloatOut.FloatMultipliers = _int8.Multipliers;
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
    public void Int8Vnni256() => Int8DirectConv.Run<VnniDotProduct256>(_int8);

    [Benchmark]
    public void Int8Avx512BwPair() => Int8DirectConv.Run512(_int8);

    [Benchmark]
    public void Int8Vnni256FloatOutput() => Int8DirectConv.Run<VnniDotProduct256>(_int8FloatOut);
}

using System.Runtime.Intrinsics;
using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>Where a quantized plan's channel-last maps (<see cref="ValueFormat.UInt8ChannelLast"/>, <see cref="ValueFormat.Int16ChannelLast"/>) lie.</summary>
internal static class QuantizedValues
{
    public static QuantizedLayout Layout(Value value) => new(value.Channels, value.Height, value.Width, value.Root.Halo);

    public static unsafe byte* Pointer(RunContext context, Value value) => (byte*)context.Pointer(value);
}

/// <summary>Quantizes the imported float image (plain CHW) into a quantized map (u8 or s16) with its halo at the quantized 0.</summary>
internal sealed unsafe class QuantizeImageLayer<TElement, T>(Value image, Value output, ActivationQuantization quantization) : Layer, IFillsQuantizedHalo
    where TElement : struct, IQuantizedElement<T> where T : unmanaged
{
    public override IEnumerable<Value> Inputs => [image];

    public override Value Output => output;

    public override string Describe() => $"quantize image ({TElement.Name}) @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        QuantizedValues.Layout(output).FillHalo((T*)context.Pointer(output), TElement.Zero(quantization));
        context.Parallel(this, output.Height);
    }

    /// <summary>Quantizes image row <paramref name="item"/> (a scalar loop per element: spread over the threads, it costs a few percent of a pass).</summary>
    public override void RunItem(RunContext context, int item)
    {
        var layout = QuantizedValues.Layout(output);
        T* o = (T*)context.Pointer(output);
        float* x = context.Pointer(image);
        int plane = image.Height * image.Width;
        for (int c = 0; c < output.Channels; c++)
        {
            float* source = x + c * plane + item * image.Width;
            T* row = o + layout.Origin + item * layout.RowStride + c;
            for (int px = 0; px < output.Width; px++)
                row[px * layout.PixelStride] = TElement.Quantize(quantization, source[px]);
        }
    }
}

/// <summary>
/// A quantized convolution (<see cref="Int8DirectConv"/> on the plan's <see cref="Int8KernelPath"/>) from a u8 map
/// to a u8 map (with its ReLU) or to a float map (NCHW16c: a residual sum, with the float residual added in the store).
/// </summary>
internal sealed unsafe class Int8ConvLayer(Value input, Value output, Value? residual, ActivationQuantization residualQuantization, PackedInt8Conv packed,
    Int8KernelPath path) : Layer, IFillsQuantizedHalo
{
    public Value? Residual => residual;

    public override IEnumerable<Value> Inputs => residual is null ? [input] : [input, residual];

    public override Value Output => output;

    public override long MacCount => (long)packed.OutChannels * packed.InChannels * packed.KernelSize * packed.KernelSize * output.Height * output.Width;

    public override long WeightBytes => packed.Bytes;

    public override string Describe() =>
        $"int8 conv{packed.KernelSize}x{packed.KernelSize}{(packed.Stride > 1 ? $"/{packed.Stride}" : "")} {packed.InChannels}->{packed.OutChannels} @{output.Height}x{output.Width}" +
        (output.Format == ValueFormat.Float ? " (float out)" : "");

    public override void Run(RunContext context)
    {
        var outLayout = QuantizedValues.Layout(output);
        bool floatOut = output.Format == ValueFormat.Float;
        byte* bytes = floatOut ? null : QuantizedValues.Pointer(context, output);
        if (output.Root == output)
        {
            if (floatOut)
                output.Layout.ZeroHalo(context.Pointer(output));
            else
                outLayout.FillHalo(bytes, packed.Output.ZeroPoint);
        }
        ref var args = ref context.Binding<Int8ConvArgs>();
        args = packed.Bind(QuantizedValues.Pointer(context, input), QuantizedValues.Layout(input), bytes, outLayout,
            residual is null || floatOut ? null : QuantizedValues.Pointer(context, residual), residualQuantization,
            floatOut ? context.Pointer(output) : null, output.Layout, floatOut && residual is not null ? context.Pointer(residual) : null);
        context.Parallel(this, Int8DirectConv.ItemCount(args));
    }

    public override void RunItem(RunContext context, int item) => Int8KernelPaths.RunItem(path, context.Binding<Int8ConvArgs>(), item);
}

/// <summary>
/// A residual module's opening batch norm + ReLU on a float map (NCHW16c, the float residual stream), quantized into
/// a quantized map (u8 or s16) for the module's first integer convolution:
/// <c>q = TElement.Quantize(max(scale[c] · x + shift[c], 0))</c>, the multiply-add fused. Work items are rows. Without
/// a batch norm (scale 1, shift 0, exact in float) it quantizes a map that is already ReLU'd: a depthwise
/// convolution's float output.
/// </summary>
internal sealed unsafe class QuantizeActivationLayer<TElement, T> : Layer, IFillsQuantizedHalo
    where TElement : struct, IQuantizedElement<T> where T : unmanaged
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly AlignedBuffer _scale;
    private readonly AlignedBuffer _shift;
    private readonly ActivationQuantization _quantization;
    private readonly bool _batchNorm;

    public QuantizeActivationLayer(Value input, Value output, float[] scale, float[] shift, ActivationQuantization quantization)
    {
        (_input, _output, _quantization) = (input, output, quantization);
        int padded = QuantizedLayout.PaddedChannels(input.Channels);
        _scale = new AlignedBuffer(padded);
        _shift = new AlignedBuffer(padded);
        scale.CopyTo(_scale.Span);
        shift.CopyTo(_shift.Span);
        _batchNorm = true;
    }

    /// <summary>Quantizes a ReLU'd float map as it is (no batch norm).</summary>
    public QuantizeActivationLayer(Value input, Value output, ActivationQuantization quantization)
        : this(input, output, Ones(input.Channels), new float[input.Channels], quantization)
    {
        _batchNorm = false;
    }

    private static float[] Ones(int length)
    {
        var ones = new float[length];
        Array.Fill(ones, 1f);
        return ones;
    }

    public override IEnumerable<Value> Inputs => [_input];

    public override Value Output => _output;

    public override string Describe() => $"{(_batchNorm ? "bn+relu+" : "")}quantize ({TElement.Name}) {_input.Channels} @{_output.Height}x{_output.Width}";

    public override void Run(RunContext context)
    {
        QuantizedValues.Layout(_output).FillHalo((T*)context.Pointer(_output), TElement.Zero(_quantization));
        context.Parallel(this, _output.Height);
    }

    public override void RunItem(RunContext context, int item)
    {
        var inLayout = _input.Layout;
        var outLayout = QuantizedValues.Layout(_output);
        float* source = context.Pointer(_input) + inLayout.Origin + item * inLayout.RowStride;
        T* destination = (T*)context.Pointer(_output) + outLayout.Origin + item * outLayout.RowStride;
        var step = Vector256.Create(_quantization.Scale);
        var zero = Vector256.Create((float)_quantization.ZeroPoint);
        var high = Vector256.Create(TElement.Max);
        for (int g = 0; g < inLayout.Groups; g++)
        {
            float* row = source + g * inLayout.GroupStride;
            Vector256<float> s0 = Vector256.Load(_scale.Pointer + g * 16), s1 = Vector256.Load(_scale.Pointer + g * 16 + 8);
            Vector256<float> b0 = Vector256.Load(_shift.Pointer + g * 16), b1 = Vector256.Load(_shift.Pointer + g * 16 + 8);
            for (int x = 0; x < _output.Width; x++)
            {
                float* pixel = row + x * 16;
                Vector256<int> q0 = Quantize(Vector256.FusedMultiplyAdd(Vector256.Load(pixel), s0, b0), step, zero, high);
                Vector256<int> q1 = Quantize(Vector256.FusedMultiplyAdd(Vector256.Load(pixel + 8), s1, b1), step, zero, high);
                TElement.Store(q0, q1, destination + x * outLayout.PixelStride + g * 16);
            }
        }
    }

    /// <summary>The ReLU, then the quantization on 8 lanes (x / scale, round half to even, zero point, clamp at the element's largest value).</summary>
    private static Vector256<int> Quantize(Vector256<float> v, Vector256<float> step, Vector256<float> zero, Vector256<float> high) =>
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Round(Vector256.Max(v, Vector256<float>.Zero) / step) + zero, high));
}

/// <summary>A quantized map (u8 or s16) dequantized into a float map (NCHW16c, its halo cleared), for a convolution kept in float32 that reads it.</summary>
internal sealed unsafe class DequantizeLayer<TElement, T>(Value input, Value output, ActivationQuantization quantization) : Layer
    where TElement : struct, IQuantizedElement<T> where T : unmanaged
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override string Describe() => $"dequantize ({TElement.Name}) {input.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        output.Layout.ZeroHalo(context.Pointer(output));
        context.Parallel(this, output.Height);
    }

    public override void RunItem(RunContext context, int item)
    {
        var inLayout = QuantizedValues.Layout(input);
        var layout = output.Layout;
        T* source = (T*)context.Pointer(input) + inLayout.Origin + item * inLayout.RowStride;
        float* destination = context.Pointer(output) + layout.Origin + item * layout.RowStride;
        for (int x = 0; x < output.Width; x++)
        for (int c = 0; c < layout.Groups * layout.Pack; c++)
            destination[c / layout.Pack * layout.GroupStride + x * layout.Pack + c % layout.Pack] =
                c < output.Channels ? TElement.Dequantize(quantization, source[x * inLayout.PixelStride + c]) : 0f;
    }
}

/// <summary>A residual module's opening batch norm + ReLU on a u8 map (<see cref="QuantizedPreActivation"/>), into a map of its own quantization.</summary>
internal sealed unsafe class QuantizedPreActivationLayer : Layer, IFillsQuantizedHalo
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly AlignedBuffer _multipliers;
    private readonly AlignedBuffer _offsets;
    private readonly ActivationQuantization _in;
    private readonly ActivationQuantization _out;

    public QuantizedPreActivationLayer(Value input, Value output, float[] scale, float[] shift, ActivationQuantization inQ, ActivationQuantization outQ)
    {
        (_input, _output, _in, _out) = (input, output, inQ, outQ);
        int padded = QuantizedLayout.PaddedChannels(input.Channels);
        _multipliers = new AlignedBuffer(padded);
        _offsets = new AlignedBuffer(padded);
        for (int c = 0; c < input.Channels; c++)
        {
            _multipliers.Pointer[c] = inQ.Scale * scale[c] / outQ.Scale;
            _offsets.Pointer[c] = shift[c] / outQ.Scale;
        }
    }

    public override IEnumerable<Value> Inputs => [_input];

    public override Value Output => _output;

    public override string Describe() => $"int8 bn+relu {_input.Channels} @{_output.Height}x{_output.Width}";

    public override void Run(RunContext context)
    {
        var inLayout = QuantizedValues.Layout(_input);
        var outLayout = QuantizedValues.Layout(_output);
        byte* o = QuantizedValues.Pointer(context, _output);
        outLayout.FillHalo(o, _out.ZeroPoint);
        context.Binding<QuantizedMapArgs>() = new QuantizedMapArgs
        {
            Input = QuantizedValues.Pointer(context, _input) + inLayout.Origin,
            InRowStride = inLayout.RowStride,
            InPixelStride = inLayout.PixelStride,
            InputZeroPoint = _in.ZeroPoint,
            Output = o + outLayout.Origin,
            OutRowStride = outLayout.RowStride,
            OutPixelStride = outLayout.PixelStride,
            OutputZeroPoint = _out.ZeroPoint,
            Width = _output.Width,
            Channels = (int)outLayout.PixelStride, // the padding lanes too: whole vectors, and their results are never read
        };
        context.Parallel(this, _output.Height);
    }

    public override void RunItem(RunContext context, int item) =>
        QuantizedPreActivation.Row(context.Binding<QuantizedMapArgs>(), _multipliers.Pointer, _offsets.Pointer, item);
}

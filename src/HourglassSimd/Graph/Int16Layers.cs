using System.Runtime.Intrinsics;
using HourglassSimd.Kernels.Int16;
using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>
/// An int16 convolution (<see cref="Int16DirectConv"/> on the plan's <see cref="Int16KernelPath"/>) from an s16 map to
/// an s16 map (with its ReLU) or to a float map (NCHW16c, with the float residual added in the store).
/// </summary>
internal sealed unsafe class Int16ConvLayer(Value input, Value output, Value? residual, PackedInt16Conv packed, Int16KernelPath path) : Layer, IFillsQuantizedHalo
{
    public Value? Residual => residual;

    public override IEnumerable<Value> Inputs => residual is null ? [input] : [input, residual];

    public override Value Output => output;

    public override long MacCount => (long)packed.OutChannels * packed.InChannels * packed.KernelSize * packed.KernelSize * output.Height * output.Width;

    public override long WeightBytes => packed.Bytes;

    public override string Describe() =>
        $"int16 conv{packed.KernelSize}x{packed.KernelSize}{(packed.Stride > 1 ? $"/{packed.Stride}" : "")} {packed.InChannels}->{packed.OutChannels} @{output.Height}x{output.Width}" +
        (output.Format == ValueFormat.Float ? " (float out)" : "");

    public override void Run(RunContext context)
    {
        var outLayout = QuantizedValues.Layout(output);
        bool floatOut = output.Format == ValueFormat.Float;
        short* shorts = floatOut ? null : (short*)context.Pointer(output);
        if (output.Root == output)
        {
            if (floatOut)
                output.Layout.ZeroHalo(context.Pointer(output));
            else
                outLayout.FillHalo(shorts, (short)0);
        }
        ref var args = ref context.Binding<Int16ConvArgs>();
        args = packed.Bind((short*)context.Pointer(input), QuantizedValues.Layout(input), shorts, outLayout,
            floatOut ? context.Pointer(output) : null, output.Layout, floatOut && residual is not null ? context.Pointer(residual) : null);
        context.Parallel(this, Int16DirectConv.ItemCount(args));
    }

    public override void RunItem(RunContext context, int item) => Int16KernelPaths.RunItem(path, context.Binding<Int16ConvArgs>(), item);
}

/// <summary>
/// A residual module's opening batch norm + ReLU on an s16 map into an s16 map of its own scale
/// (<see cref="Int16Requantization.ScaleShiftRelu"/>, 16 channels at a time). Work items are rows.
/// </summary>
internal sealed unsafe class Int16PreActivationLayer : Layer, IFillsQuantizedHalo
{
    private readonly Value _input;
    private readonly Value _output;
    private readonly AlignedBuffer _multipliers;
    private readonly AlignedBuffer _offsets;

    public Int16PreActivationLayer(Value input, Value output, float[] scale, float[] shift, ActivationQuantization inQ, ActivationQuantization outQ)
    {
        (_input, _output) = (input, output);
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

    public override string Describe() => $"int16 bn+relu {_input.Channels} @{_output.Height}x{_output.Width}";

    public override void Run(RunContext context)
    {
        QuantizedValues.Layout(_output).FillHalo((short*)context.Pointer(_output), (short)0);
        context.Parallel(this, _output.Height);
    }

    public override void RunItem(RunContext context, int item)
    {
        var inLayout = QuantizedValues.Layout(_input);
        var outLayout = QuantizedValues.Layout(_output);
        short* source = (short*)context.Pointer(_input) + inLayout.Origin + item * inLayout.RowStride;
        short* destination = (short*)context.Pointer(_output) + outLayout.Origin + item * outLayout.RowStride;
        var high = Vector256.Create((float)Int16Requantization.MaxActivation);
        for (int x = 0; x < _output.Width; x++)
        for (int c = 0; c < outLayout.PixelStride; c += 16) // the padding lanes too: their results are never read
        {
            Vector256<short> v = Vector256.Load(source + x * inLayout.PixelStride + c);
            Vector256<float> lo = Vector256.ConvertToSingle(Vector256.WidenLower(v)), hi = Vector256.ConvertToSingle(Vector256.WidenUpper(v));
            lo = Vector256.FusedMultiplyAdd(lo, Vector256.Load(_multipliers.Pointer + c), Vector256.Load(_offsets.Pointer + c));
            hi = Vector256.FusedMultiplyAdd(hi, Vector256.Load(_multipliers.Pointer + c + 8), Vector256.Load(_offsets.Pointer + c + 8));
            Vector256.Narrow(Clamp(lo, high), Clamp(hi, high)).Store(destination + x * outLayout.PixelStride + c);
        }
    }

    private static Vector256<int> Clamp(Vector256<float> v, Vector256<float> high) =>
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(v), Vector256<float>.Zero), high));
}

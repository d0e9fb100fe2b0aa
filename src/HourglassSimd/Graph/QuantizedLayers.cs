using HourglassSimd.Kernels.Int8;
using HourglassSimd.Quantization;
using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>The layers of a quantized plan: u8 channel-last maps (<see cref="ValueFormat.UInt8ChannelLast"/>) between them.</summary>
internal static class QuantizedValues
{
    public static QuantizedLayout Layout(Value value) => new(value.Channels, value.Height, value.Width, value.Root.Halo);

    public static unsafe byte* Pointer(RunContext context, Value value) => (byte*)context.Pointer(value);
}

/// <summary>Quantizes the imported float image (plain CHW) into a u8 map with its halo at the zero point.</summary>
internal sealed unsafe class QuantizeImageLayer(Value image, Value output, ActivationQuantization quantization) : Layer
{
    public override IEnumerable<Value> Inputs => [image];

    public override Value Output => output;

    public override string Describe() => $"quantize image @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        var layout = QuantizedValues.Layout(output);
        byte* o = QuantizedValues.Pointer(context, output);
        layout.FillHalo(o, quantization.ZeroPoint);
        float* x = context.Pointer(image);
        int plane = image.Height * image.Width;
        for (int y = 0; y < output.Height; y++)
        for (int c = 0; c < output.Channels; c++)
        {
            float* source = x + c * plane + y * image.Width;
            byte* row = o + layout.Origin + y * layout.RowStride + c;
            for (int px = 0; px < output.Width; px++)
                row[px * layout.PixelStride] = quantization.Quantize(source[px]);
        }
    }
}

/// <summary>A quantized convolution (<see cref="Int8DirectConv"/> on the plan's <see cref="Int8KernelPath"/>) with its fused residual, ReLU and, for a heatmap head, float output.</summary>
internal sealed unsafe class Int8ConvLayer(Value input, Value output, Value? residual, ActivationQuantization residualQuantization, PackedInt8Conv packed,
    Int8KernelPath path) : Layer
{
    /// <summary>The value that gets the dequantized accumulators (<see cref="ValueFormat.FloatChannelLast"/>), or null; set by the builder for heads.</summary>
    public Value? FloatOutput { get; set; }

    public Value? Residual => residual;

    public override IEnumerable<Value> Inputs => residual is null ? [input] : [input, residual];

    public override Value Output => output;

    public override Value? ExtraOutput => FloatOutput;

    public override long MacCount => (long)packed.OutChannels * packed.InChannels * packed.KernelSize * packed.KernelSize * output.Height * output.Width;

    public override string Describe() =>
        $"int8 conv{packed.KernelSize}x{packed.KernelSize}{(packed.Stride > 1 ? $"/{packed.Stride}" : "")} {packed.InChannels}->{packed.OutChannels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        var outLayout = QuantizedValues.Layout(output);
        byte* o = QuantizedValues.Pointer(context, output);
        if (output.Root == output)
            outLayout.FillHalo(o, packed.Output.ZeroPoint);
        if (residual is not null && QuantizedValues.Layout(residual) is var r && (r.RowStride, r.Origin) != (outLayout.RowStride, outLayout.Origin))
            throw new InvalidOperationException($"{Describe()}: its residual is laid out unlike its output.");
        ref var args = ref context.Binding<Int8ConvArgs>();
        args = packed.Bind(QuantizedValues.Pointer(context, input), QuantizedValues.Layout(input), o, outLayout,
            residual is null ? null : QuantizedValues.Pointer(context, residual), residualQuantization,
            FloatOutput is null ? null : context.Pointer(FloatOutput));
        context.Parallel(this, Int8DirectConv.ItemCount(args));
    }

    public override void RunItem(RunContext context, int item) => Int8KernelPaths.RunItem(path, context.Binding<Int8ConvArgs>(), item);
}

/// <summary>A residual module's opening batch norm + ReLU on a u8 map (<see cref="QuantizedPreActivation"/>), into a map of its own quantization.</summary>
internal sealed unsafe class QuantizedPreActivationLayer : Layer
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

/// <summary>2x2 max pooling of a u8 map; the output keeps the input's quantization.</summary>
internal sealed unsafe class QuantizedMaxPoolLayer(Value input, Value output, byte zeroPoint) : Layer
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override string Describe() => $"int8 maxpool2x2 {input.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        var inLayout = QuantizedValues.Layout(input);
        var outLayout = QuantizedValues.Layout(output);
        byte* o = QuantizedValues.Pointer(context, output);
        outLayout.FillHalo(o, zeroPoint);
        context.Binding<QuantizedMapArgs>() = new QuantizedMapArgs
        {
            Input = QuantizedValues.Pointer(context, input) + inLayout.Origin,
            InRowStride = inLayout.RowStride,
            InPixelStride = inLayout.PixelStride,
            Output = o + outLayout.Origin,
            OutRowStride = outLayout.RowStride,
            OutPixelStride = outLayout.PixelStride,
            Width = output.Width,
            Channels = (int)outLayout.PixelStride,
        };
        context.Parallel(this, output.Height);
    }

    public override void RunItem(RunContext context, int item) => QuantizedPooling.MaxPool2x2Row(context.Binding<QuantizedMapArgs>(), item);
}

/// <summary><c>skip + nearest-2x(low)</c> on u8 maps, requantized to the output's quantization, written over the skip map.</summary>
internal sealed unsafe class QuantizedUpsampleAddLayer(Value low, Value skip, Value output, ActivationQuantization lowQ, ActivationQuantization skipQ,
    ActivationQuantization outQ) : Layer
{
    public override IEnumerable<Value> Inputs => [low, skip];

    public override Value Output => output;

    public override string Describe() => $"int8 upsample2x+add {low.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        var lowLayout = QuantizedValues.Layout(low);
        var skipLayout = QuantizedValues.Layout(skip);
        var outLayout = QuantizedValues.Layout(output);
        context.Binding<QuantizedMapArgs>() = new QuantizedMapArgs
        {
            Input = QuantizedValues.Pointer(context, low) + lowLayout.Origin,
            InRowStride = lowLayout.RowStride,
            InPixelStride = lowLayout.PixelStride,
            InputZeroPoint = lowQ.ZeroPoint,
            InputMultiplier = lowQ.Scale / outQ.Scale,
            Skip = QuantizedValues.Pointer(context, skip) + skipLayout.Origin,
            SkipRowStride = skipLayout.RowStride,
            SkipPixelStride = skipLayout.PixelStride,
            SkipZeroPoint = skipQ.ZeroPoint,
            SkipMultiplier = skipQ.Scale / outQ.Scale,
            Output = QuantizedValues.Pointer(context, output) + outLayout.Origin,
            OutRowStride = outLayout.RowStride,
            OutPixelStride = outLayout.PixelStride,
            OutputZeroPoint = outQ.ZeroPoint,
            Width = output.Width,
            Channels = (int)outLayout.PixelStride, // the padding lanes too: whole vectors, and their results are never read
        };
        context.Parallel(this, output.Height);
    }

    public override void RunItem(RunContext context, int item) => QuantizedPooling.UpsampleAddRow(context.Binding<QuantizedMapArgs>(), item);
}

/// <summary>Copies one stack's dequantized heatmaps (<see cref="ValueFormat.FloatChannelLast"/>) out to the caller's plain [stacks][joints][h][w] buffer.</summary>
internal sealed unsafe class ExportQuantizedHeatmapsLayer(Value heatmaps, int stack) : Layer
{
    public override IEnumerable<Value> Inputs => [heatmaps];

    public override Value? Output => null;

    public override string Describe() => "export heatmaps";

    public override void Run(RunContext context)
    {
        var layout = QuantizedValues.Layout(heatmaps);
        float* source = context.Pointer(heatmaps);
        int plane = heatmaps.Height * heatmaps.Width;
        float* destination = context.Heatmaps + (nint)stack * heatmaps.Channels * plane;
        for (int p = 0; p < plane; p++)
        for (int c = 0; c < heatmaps.Channels; c++)
            destination[c * plane + p] = source[p * layout.PixelStride + c];
    }
}

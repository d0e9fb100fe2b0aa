using HourglassSimd.Kernels.Int8;

namespace HourglassSimd.Graph;

/// <summary>A depthwise 3x3 convolution of an int8 plan (<see cref="Int8DepthwiseConv3x3"/>) from a u8 map to a u8 map, with its ReLU.</summary>
internal sealed unsafe class Int8DepthwiseConvLayer(Value input, Value output, PackedInt8DepthwiseConv packed) : Layer, IFillsQuantizedHalo
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override long MacCount => (long)packed.Channels * 9 * output.Height * output.Width;

    public override long WeightBytes => packed.Bytes;

    public override string Describe() => $"int8 dwconv3x3 {packed.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context)
    {
        var outLayout = QuantizedValues.Layout(output);
        byte* bytes = QuantizedValues.Pointer(context, output);
        if (output.Root == output)
            outLayout.FillHalo(bytes, packed.Output.ZeroPoint);
        ref var args = ref context.Binding<Int8DepthwiseArgs>();
        args = packed.Bind(QuantizedValues.Pointer(context, input), QuantizedValues.Layout(input), bytes, outLayout);
        context.Parallel(this, Int8DepthwiseConv3x3.ItemCount(args));
    }

    public override void RunItem(RunContext context, int item) => Int8DepthwiseConv3x3.RunItem(context.Binding<Int8DepthwiseArgs>(), item);
}

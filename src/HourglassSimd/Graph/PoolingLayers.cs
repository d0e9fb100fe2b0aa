using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>2x2 stride-2 max pooling on the <typeparamref name="TV"/> path (NCHW16c).</summary>
internal sealed unsafe class MaxPoolLayer<TV>(Value input, Value output) : Layer where TV : unmanaged
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override string Describe() => $"maxpool2x2 {input.Channels} @{output.Height}x{output.Width}";

    public override long Work => (long)output.Channels * output.Height * output.Width;

    public override void Run(RunContext context)
    {
        context.Binding<PoolingBinding>() = PoolingBinding.Of(context, input, output);
        context.Parallel(this, MaxPool2x2.ItemCount(output.Layout.Groups, output.Height));
    }

    public override void RunItem(RunContext context, int item)
    {
        ref readonly var b = ref context.Binding<PoolingBinding>();
        MaxPool2x2.RunItem<TV>(b.Source, b.SourceGroupStride, b.Destination, b.DestinationGroupStride, output.Height, output.Width, item);
    }
}

/// <summary>The hourglass merge on the <typeparamref name="TV"/> path: <c>target += nearest-2x-upsample(low)</c>, in place (the output aliases the target).</summary>
internal sealed unsafe class UpsampleAddLayer<TV>(Value low, Value target, Value output) : Layer where TV : unmanaged
{
    public override IEnumerable<Value> Inputs => [low, target];

    public override Value Output => output;

    public override string Describe() => $"upsample2x+add {low.Channels} @{output.Height}x{output.Width}";

    public override long Work => (long)output.Channels * output.Height * output.Width;

    public override void Run(RunContext context)
    {
        context.Binding<PoolingBinding>() = PoolingBinding.Of(context, low, output);
        context.Parallel(this, UpsampleNearest2xAdd.ItemCount(low.Layout.Groups, low.Height));
    }

    public override void RunItem(RunContext context, int item)
    {
        ref readonly var b = ref context.Binding<PoolingBinding>();
        UpsampleNearest2xAdd.RunItem<TV>(b.Source, b.SourceGroupStride, b.Destination, b.DestinationGroupStride, low.Height, low.Width, item);
    }
}

/// <summary>The buffers of one run of a pooling or upsampling layer (halo-free NCHW16c, groups a stride apart).</summary>
internal unsafe struct PoolingBinding
{
    public float* Source;
    public nint SourceGroupStride;
    public float* Destination;
    public nint DestinationGroupStride;

    public static PoolingBinding Of(RunContext context, Value source, Value destination) => new()
    {
        Source = context.Pointer(source),
        SourceGroupStride = source.Layout.GroupStride,
        Destination = context.Pointer(destination),
        DestinationGroupStride = destination.Layout.GroupStride,
    };
}

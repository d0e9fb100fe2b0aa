using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

// The KernelIsa.Scalar path: ReferenceKernels over plain NCHW values (no packing, no halo), one item per output channel.

/// <summary>A convolution on the scalar path: <see cref="ReferenceKernels.Conv2d"/> over the unpacked OIHW weights.</summary>
internal sealed unsafe class ReferenceConvLayer(Value input, Value output, Value? residual, ConvParameters conv,
    (float[] Scale, float[] Shift)? prologue, bool relu) : ConvLayer(input, output, residual, conv)
{
    public override void Run(RunContext context)
    {
        ZeroOutputHalo(context);
        context.Parallel(this, Shape.OutChannels);
    }

    public override void RunItem(RunContext context, int outChannel)
    {
        var input = new ReadOnlySpan<float>(context.Pointer(InputValue), (int)InputValue.Layout.Size);
        var output = new Span<float>(context.Pointer(OutputValue), (int)OutputValue.Layout.Size);
        var residual = Residual is null ? default : new ReadOnlySpan<float>(context.Pointer(Residual), (int)Residual.Layout.Size);
        ReferenceKernels.Conv2d(input, Shape.InChannels, InputValue.Height, InputValue.Width, Shape.Weights, Shape.Bias, Shape.OutChannels,
            Shape.KernelSize, Shape.KernelSize, Shape.Stride, Shape.Pad, output, prologue?.Scale, prologue?.Shift, residual, relu,
            outChannel, outChannel + 1);
    }
}

/// <summary>A 3x3 stride-1 depthwise convolution on the scalar path: <see cref="ReferenceKernels.DepthwiseConv3x3"/>, one channel per item.</summary>
internal sealed unsafe class ReferenceDepthwiseConvLayer(Value input, Value output, Value? residual, ConvParameters conv, bool relu)
    : ConvLayer(input, output, residual, conv)
{
    public override string Describe() => DepthwiseDescription.Of(Shape, OutputValue);

    public override void Run(RunContext context)
    {
        ZeroOutputHalo(context);
        context.Parallel(this, Shape.OutChannels);
    }

    public override void RunItem(RunContext context, int channel)
    {
        int plane = OutputValue.Height * OutputValue.Width;
        var input = new ReadOnlySpan<float>(context.Pointer(InputValue) + (nint)channel * plane, plane);
        var output = new Span<float>(context.Pointer(OutputValue) + (nint)channel * plane, plane);
        var residual = Residual is null ? default : new ReadOnlySpan<float>(context.Pointer(Residual) + (nint)channel * plane, plane);
        ReferenceKernels.DepthwiseConv3x3(input, 1, OutputValue.Height, OutputValue.Width, Shape.Weights.AsSpan(channel * 9, 9),
            Shape.Bias.AsSpan(channel, 1), output, residual, relu);
    }
}

/// <summary>2x2 stride-2 max pooling on the scalar path.</summary>
internal sealed unsafe class ReferenceMaxPoolLayer(Value input, Value output) : Layer
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override string Describe() => $"maxpool2x2 {input.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context) => context.Parallel(this, output.Channels);

    public override void RunItem(RunContext context, int channel) =>
        ReferenceKernels.MaxPool2x2(new ReadOnlySpan<float>(context.Pointer(input), (int)input.Layout.Size), input.Channels, input.Height, input.Width,
            new Span<float>(context.Pointer(output), (int)output.Layout.Size), channel, channel + 1);
}

/// <summary>The hourglass merge on the scalar path: <c>target += nearest-2x-upsample(low)</c>, in place.</summary>
internal sealed unsafe class ReferenceUpsampleAddLayer(Value low, Value target, Value output) : Layer
{
    public override IEnumerable<Value> Inputs => [low, target];

    public override Value Output => output;

    public override string Describe() => $"upsample2x+add {low.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context) => context.Parallel(this, low.Channels);

    public override void RunItem(RunContext context, int channel) =>
        ReferenceKernels.UpsampleNearest2x(new ReadOnlySpan<float>(context.Pointer(low), (int)low.Layout.Size), low.Channels, low.Height, low.Width,
            new Span<float>(context.Pointer(output), (int)output.Layout.Size), accumulate: true, channel, channel + 1);
}

using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A 3x3 stride-1 depthwise convolution on the <typeparamref name="TV"/> path: <see cref="DepthwiseConv3x3"/> over
/// packed weights, bias, residual add and ReLU fused. A <see cref="ConvLayer"/> so that the plan builder treats it
/// like any convolution (it clears its output's halo, it may write over a dead residual).
/// </summary>
internal sealed unsafe class DepthwiseConvLayer<TV>(Value input, Value output, Value? residual, ConvParameters conv, PackedDepthwiseConv packed)
    : ConvLayer(input, output, residual, conv) where TV : unmanaged
{
    public override long WeightBytes => packed.Bytes;

    public override string Describe() => DepthwiseDescription.Of(Shape, OutputValue);

    public override void Run(RunContext context)
    {
        ZeroOutputHalo(context);
        ref var args = ref context.Binding<DepthwiseConvArgs>();
        args = packed.Bind(context.Pointer(InputValue), InputValue.Layout, context.Pointer(OutputValue), OutputValue.Layout,
            Residual is null ? null : context.Pointer(Residual));
        context.Parallel(this, DepthwiseConv3x3.ItemCount(args));
    }

    public override void RunItem(RunContext context, int item) => DepthwiseConv3x3.RunItem<TV>(context.Binding<DepthwiseConvArgs>(), item);
}

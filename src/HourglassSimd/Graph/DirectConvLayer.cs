using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A convolution on the <typeparamref name="TV"/> path (<c>Vector256&lt;float&gt;</c> or <c>Vector512&lt;float&gt;</c>):
/// <see cref="DirectConv"/> over packed weights, its arguments bound once per run.
/// </summary>
internal sealed unsafe class DirectConvLayer<TV>(Value input, Value output, Value? residual, PackedConv packed)
    : ConvLayer(input, output, residual, packed.Conv) where TV : unmanaged
{
    public override long WeightBytes => packed.Bytes;

    public override void Run(RunContext context)
    {
        ZeroOutputHalo(context);
        ref var args = ref context.Binding<ConvArgs>();
        args = packed.Bind(context.Pointer(InputValue), InputValue.Layout, context.Pointer(OutputValue), OutputValue.Layout,
            Residual is null ? null : context.Pointer(Residual), Residual?.Layout ?? default);
        context.Parallel(this, DirectConv.ItemCount<TV>(args));
    }

    public override void RunItem(RunContext context, int item) => DirectConv.RunItem<TV>(context.Binding<ConvArgs>(), item);
}

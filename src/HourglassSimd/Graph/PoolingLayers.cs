using System.Runtime.Intrinsics;
using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>2x2 stride-2 max pooling.</summary>
internal sealed unsafe class MaxPoolLayer(Value input, Value output, KernelIsa isa) : Layer
{
    public override IEnumerable<Value> Inputs => [input];

    public override Value Output => output;

    public override string Describe() => $"maxpool2x2 {input.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context) =>
        context.Parallel(this, isa == KernelIsa.Scalar ? output.Channels : MaxPool2x2.ItemCount(output.Layout.Groups, output.Height));

    public override void RunItem(RunContext context, int item)
    {
        float* src = context.Pointer(input), dst = context.Pointer(output);
        switch (isa)
        {
            case KernelIsa.Vector512: MaxPool2x2.RunItem<Vector512<float>>(src, input.Layout.GroupStride, dst, output.Layout.GroupStride, output.Height, output.Width, item); break;
            case KernelIsa.Vector256: MaxPool2x2.RunItem<Vector256<float>>(src, input.Layout.GroupStride, dst, output.Layout.GroupStride, output.Height, output.Width, item); break;
            default:
                ReferenceKernels.MaxPool2x2(new ReadOnlySpan<float>(src, (int)input.Layout.Size), input.Channels, input.Height, input.Width,
                    new Span<float>(dst, (int)output.Layout.Size), item, item + 1);
                break;
        }
    }
}

/// <summary>The hourglass merge: <c>target += nearest-2x-upsample(low)</c>, in place (the output aliases the target).</summary>
internal sealed unsafe class UpsampleAddLayer(Value low, Value target, Value output, KernelIsa isa) : Layer
{
    public override IEnumerable<Value> Inputs => [low, target];

    public override Value Output => output;

    public override string Describe() => $"upsample2x+add {low.Channels} @{output.Height}x{output.Width}";

    public override void Run(RunContext context) =>
        context.Parallel(this, isa == KernelIsa.Scalar ? low.Channels : UpsampleNearest2xAdd.ItemCount(low.Layout.Groups, low.Height));

    public override void RunItem(RunContext context, int item)
    {
        float* src = context.Pointer(low), dst = context.Pointer(output);
        switch (isa)
        {
            case KernelIsa.Vector512: UpsampleNearest2xAdd.RunItem<Vector512<float>>(src, low.Layout.GroupStride, dst, output.Layout.GroupStride, low.Height, low.Width, item); break;
            case KernelIsa.Vector256: UpsampleNearest2xAdd.RunItem<Vector256<float>>(src, low.Layout.GroupStride, dst, output.Layout.GroupStride, low.Height, low.Width, item); break;
            default:
                ReferenceKernels.UpsampleNearest2x(new ReadOnlySpan<float>(src, (int)low.Layout.Size), low.Channels, low.Height, low.Width,
                    new Span<float>(dst, (int)output.Layout.Size), accumulate: true, item, item + 1);
                break;
        }
    }
}

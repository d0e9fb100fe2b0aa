using System.Runtime.Intrinsics;

namespace HourglassSimd.Kernels;

/// <summary>
/// The SIMD kernels of one vector width behind one non-generic handle, so that tests and benchmarks enumerate the
/// widths (<see cref="All"/>, <see cref="Accelerated"/>) instead of switching on <see cref="KernelIsa"/> (Sep's
/// parser factories). The engine's layers call the generic kernels directly, with no virtual call per item.
/// </summary>
internal abstract unsafe class SimdKernelSet
{
    /// <summary>Every width. Each runs on any CPU (the cross-platform vector APIs fall back to software), so tests use all.</summary>
    public static IReadOnlyList<SimdKernelSet> All { get; } =
        [new Width<Vector128<float>>(KernelIsa.Vector128), new Width<Vector256<float>>(KernelIsa.Vector256), new Width<Vector512<float>>(KernelIsa.Vector512)];

    /// <summary>
    /// The widths this CPU runs in hardware (what is worth timing), as <see cref="HourglassOptions.IsAccelerated"/> decides.
    /// </summary>
    public static IReadOnlyList<SimdKernelSet> Accelerated => [.. All.Where(k => HourglassOptions.IsAccelerated(k.Isa))];

    public abstract KernelIsa Isa { get; }

    /// <inheritdoc cref="DirectConv.ItemCount{TV}"/>
    public abstract int DirectConvItemCount(in ConvArgs args);

    /// <inheritdoc cref="DirectConv.RunItem{TV}"/>
    public abstract void DirectConvItem(in ConvArgs args, int item);

    /// <inheritdoc cref="DirectConv.Run{TV}"/>
    public abstract void DirectConv(in ConvArgs args);

    /// <inheritdoc cref="DepthwiseConv3x3.Run{TV}"/>
    public abstract void DepthwiseConv3x3(in DepthwiseConvArgs args);

    /// <inheritdoc cref="PackedWinogradConv.Run{TV}"/>
    public abstract void Winograd(PackedWinogradConv conv, in PackedWinogradConv.Binding binding);

    /// <inheritdoc cref="PackedWinogradConv.RunBlock{TV}"/>
    public abstract void WinogradBlock(PackedWinogradConv conv, in PackedWinogradConv.Binding binding, int block);

    /// <inheritdoc cref="Kernels.MaxPool2x2.Run{TV}"/>
    public abstract void MaxPool2x2(float* input, nint inGroupStride, float* output, nint outGroupStride, int groups, int outHeight, int outWidth);

    /// <inheritdoc cref="Kernels.UpsampleNearest2xAdd.Run{TV}"/>
    public abstract void UpsampleNearest2xAdd(float* low, nint lowGroupStride, float* target, nint targetGroupStride, int groups, int lowHeight, int lowWidth);

    /// <summary>The width's name (test and benchmark labels).</summary>
    public override string ToString() => Isa.ToString();

    private sealed class Width<TV>(KernelIsa isa) : SimdKernelSet where TV : unmanaged
    {
        public override KernelIsa Isa => isa;

        public override int DirectConvItemCount(in ConvArgs args) => Kernels.DirectConv.ItemCount<TV>(args);

        public override void DirectConvItem(in ConvArgs args, int item) => Kernels.DirectConv.RunItem<TV>(args, item);

        public override void DirectConv(in ConvArgs args) => Kernels.DirectConv.Run<TV>(args);

        public override void DepthwiseConv3x3(in DepthwiseConvArgs args) => Kernels.DepthwiseConv3x3.Run<TV>(args);

        public override void Winograd(PackedWinogradConv conv, in PackedWinogradConv.Binding binding) => conv.Run<TV>(binding);

        public override void WinogradBlock(PackedWinogradConv conv, in PackedWinogradConv.Binding binding, int block) => conv.RunBlock<TV>(binding, block);

        public override void MaxPool2x2(float* input, nint inGroupStride, float* output, nint outGroupStride, int groups, int outHeight, int outWidth) =>
            Kernels.MaxPool2x2.Run<TV>(input, inGroupStride, output, outGroupStride, groups, outHeight, outWidth);

        public override void UpsampleNearest2xAdd(float* low, nint lowGroupStride, float* target, nint targetGroupStride, int groups, int lowHeight, int lowWidth) =>
            Kernels.UpsampleNearest2xAdd.Run<TV>(low, lowGroupStride, target, targetGroupStride, groups, lowHeight, lowWidth);
    }
}

using System.Runtime.Intrinsics;
using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// Makes the layers of one kernel path. The plan builder takes the factory of the network's resolved
/// <see cref="KernelIsa"/> once, so every layer is created for its path (generic over the vector type, or scalar
/// reference) and no layer tests the path while it runs (XNNPACK's init-time config, Sep's parser factories).
/// </summary>
internal abstract class LayerFactory
{
    private static readonly LayerFactory s_vector512 = new Simd<Vector512<float>>(KernelIsa.Vector512);
    private static readonly LayerFactory s_vector256 = new Simd<Vector256<float>>(KernelIsa.Vector256);
    private static readonly LayerFactory s_vector128 = new Simd<Vector128<float>>(KernelIsa.Vector128);
    private static readonly LayerFactory s_scalar = new Reference();

    /// <summary>The factory of a resolved path (<see cref="HourglassOptions.ResolveIsa()"/> decides which).</summary>
    public static LayerFactory For(KernelIsa isa) => isa switch
    {
        KernelIsa.Vector512 => s_vector512,
        KernelIsa.Vector256 => s_vector256,
        KernelIsa.Vector128 => s_vector128,
        KernelIsa.Scalar => s_scalar,
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "A plan is built for a resolved kernel path, not Auto."),
    };

    public abstract KernelIsa Isa { get; }

    /// <summary>Whether activations are channel-packed by 16 with zero halos (SIMD) or plain NCHW (scalar).</summary>
    public abstract bool PacksChannels { get; }

    /// <summary>Whether the path has a Winograd F(4x4, 3x3) kernel.</summary>
    public abstract bool HasWinograd { get; }

    /// <summary>A fused convolution; the SIMD paths pack its weights once in <paramref name="weights"/> (shared across plans).</summary>
    public abstract ConvLayer Convolution(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv,
        (float[] Scale, float[] Shift)? prologue, bool relu);

    /// <summary>A 3x3 stride-1 pad-1 depthwise convolution (weights [channels, 1, 3, 3]) with bias, residual add and ReLU fused.</summary>
    public abstract ConvLayer Depthwise(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv, bool relu);

    /// <summary>A 3x3 stride-1 convolution + bias + ReLU by Winograd (only where <see cref="HasWinograd"/>).</summary>
    public abstract Layer Winograd(Value input, Value output, PackedWeights weights, string name, ConvParameters conv);

    public abstract Layer MaxPool(Value input, Value output);

    public abstract Layer UpsampleAdd(Value low, Value target, Value output);

    private sealed class Simd<TV>(KernelIsa isa) : LayerFactory where TV : unmanaged
    {
        public override KernelIsa Isa => isa;

        public override bool PacksChannels => true;

        public override bool HasWinograd => true;

        public override ConvLayer Convolution(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv,
            (float[] Scale, float[] Shift)? prologue, bool relu) =>
            new DirectConvLayer<TV>(input, output, residual, weights.Direct(name, conv, prologue, relu));

        public override ConvLayer Depthwise(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv, bool relu) =>
            new DepthwiseConvLayer<TV>(input, output, residual, conv, weights.Depthwise(name, conv, relu));

        public override Layer Winograd(Value input, Value output, PackedWeights weights, string name, ConvParameters conv) =>
            new WinogradConvLayer<TV>(input, output, weights.Winograd(name, conv, relu: true));

        public override Layer MaxPool(Value input, Value output) => new MaxPoolLayer<TV>(input, output);

        public override Layer UpsampleAdd(Value low, Value target, Value output) => new UpsampleAddLayer<TV>(low, target, output);
    }

    private sealed class Reference : LayerFactory
    {
        public override KernelIsa Isa => KernelIsa.Scalar;

        public override bool PacksChannels => false;

        public override bool HasWinograd => false;

        public override ConvLayer Convolution(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv,
            (float[] Scale, float[] Shift)? prologue, bool relu) =>
            new ReferenceConvLayer(input, output, residual, conv, prologue, relu);

        public override ConvLayer Depthwise(Value input, Value output, Value? residual, PackedWeights weights, string name, ConvParameters conv, bool relu) =>
            new ReferenceDepthwiseConvLayer(input, output, residual, conv, relu);

        public override Layer Winograd(Value input, Value output, PackedWeights weights, string name, ConvParameters conv) =>
            throw new NotSupportedException("The scalar path runs every convolution directly.");

        public override Layer MaxPool(Value input, Value output) => new ReferenceMaxPoolLayer(input, output);

        public override Layer UpsampleAdd(Value low, Value target, Value output) => new ReferenceUpsampleAddLayer(low, target, output);
    }
}

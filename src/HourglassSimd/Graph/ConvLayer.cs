using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>
/// A convolution with its fused prologue (pre-activation BN + ReLU on the input), residual add and ReLU, on one
/// kernel path: <see cref="DirectConvLayer{TV}"/> (SIMD) or <see cref="ReferenceConvLayer"/> (scalar). What the plan
/// builder needs of either (shape, residual, the halo it clears) is here.
/// </summary>
internal abstract unsafe class ConvLayer(Value input, Value output, Value? residual, ConvParameters shape) : Layer
{
    protected Value InputValue { get; } = input;

    protected Value OutputValue { get; } = output;

    /// <summary>The value added before the ReLU, or null.</summary>
    public Value? Residual { get; } = residual;

    /// <summary>Channels, kernel size, stride and padding (weights only where the path reads them unpacked).</summary>
    protected ConvParameters Shape { get; } = shape;

    public override IEnumerable<Value> Inputs => Residual is null ? [InputValue] : [InputValue, Residual];

    public override Value Output => OutputValue;

    public override long MacCount =>
        (long)Shape.OutChannels * Shape.InChannels * Shape.KernelSize * Shape.KernelSize * OutputValue.Height * OutputValue.Width;

    public override string Describe()
    {
        string kernel = $"conv{Shape.KernelSize}x{Shape.KernelSize}" + (Shape.Stride > 1 ? $"/{Shape.Stride}" : "");
        return $"{kernel} {Shape.InChannels}->{Shape.OutChannels} @{OutputValue.Height}x{OutputValue.Width}";
    }

    /// <summary>Clears the zero border that padded consumers read, when this layer owns the output's buffer.</summary>
    protected void ZeroOutputHalo(RunContext context)
    {
        if (OutputValue.Root == OutputValue && OutputValue.Layout.Halo > 0)
            OutputValue.Layout.ZeroHalo(context.Pointer(OutputValue));
    }
}

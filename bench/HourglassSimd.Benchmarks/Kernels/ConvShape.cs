using HourglassSimd.Benchmarks.Reporting;

namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>
/// One convolution of the network at its real channel counts and resolution, with the fusions the engine uses
/// there: <paramref name="Prologue"/> (the residual's opening BN + ReLU on the input, 1x1 only), <paramref name="Relu"/>
/// after, <paramref name="Residual"/> (shortcut added in place), <paramref name="OutHalo"/> (a zero border the next 3x3 reads).
/// </summary>
public sealed record ConvShape(string Role, int Kernel, int Stride, int InChannels, int OutChannels, int Height, int Width,
    bool Prologue = false, bool Relu = false, bool Residual = false, int OutHalo = 0) : IFlopCount
{
    public int Pad => Kernel / 2;

    public int OutHeight => (Height + 2 * Pad - Kernel) / Stride + 1;

    public int OutWidth => (Width + 2 * Pad - Kernel) / Stride + 1;

    public double Flops => 2.0 * OutChannels * InChannels * Kernel * Kernel * OutHeight * OutWidth;

    public override string ToString() => $"{Kernel}x{Kernel} {InChannels}->{OutChannels} @{Height} {Role}";
}

namespace HourglassSimd;

/// <summary>Which algorithms the engine may use for convolutions.</summary>
public enum ConvolutionMode
{
    /// <summary>
    /// The fastest accurate choice per layer (the default): Winograd F(4x4, 3x3) for the 3x3 layers on maps of at
    /// least <see cref="HourglassOptions.WinogradMinimumSize"/> pixels a side with at least
    /// <see cref="HourglassOptions.WinogradMinimumChannels"/> channels, direct convolution elsewhere.
    /// </summary>
    Fastest = 0,

    /// <summary>Direct convolution everywhere: the fewest roundings, every layer the same arithmetic as the reference.</summary>
    DirectOnly = 1,
}

namespace HourglassSimd.Quantization;

/// <summary>
/// Where a quantized plan keeps one image's channel-last map (<see cref="Graph.ValueFormat.UInt8ChannelLast"/>, or
/// floats for a head's dequantized output): pixel (y, x) of the interior holds its channels, rounded up to
/// <see cref="PaddedChannels"/>, at <c>Origin + y · RowStride + x · PixelStride</c> elements, inside a ring of
/// <see cref="Halo"/> pixels that a padded convolution reads (filled with the zero point, the quantized 0).
/// </summary>
internal readonly record struct QuantizedLayout(int Channels, int Height, int Width, int Halo)
{
    /// <summary>Channels per pixel in memory: the int8 kernels write output channels in groups of 16.</summary>
    public static int PaddedChannels(int channels) => (channels + 15) & ~15;

    public nint PixelStride => PaddedChannels(Channels);

    public nint RowStride => (Width + 2 * Halo) * PixelStride;

    /// <summary>Elements from the buffer's start to pixel (0, 0) of the interior.</summary>
    public nint Origin => Halo * RowStride + Halo * PixelStride;

    /// <summary>Elements of the whole buffer, halo included.</summary>
    public nint Size => (Height + 2 * Halo) * RowStride;

    /// <summary>Fills the halo ring (every element of its pixels: u8, or s16 of an int16 plan) with <paramref name="zeroPoint"/>; the interior is untouched.</summary>
    public unsafe void FillHalo<T>(T* buffer, T zeroPoint) where T : unmanaged
    {
        if (Halo == 0)
            return;
        nint band = Halo * RowStride;
        new Span<T>(buffer, (int)band).Fill(zeroPoint);
        new Span<T>(buffer + (Halo + Height) * RowStride, (int)band).Fill(zeroPoint);
        nint side = Halo * PixelStride;
        for (int y = 0; y < Height; y++)
        {
            T* row = buffer + (Halo + y) * RowStride;
            new Span<T>(row, (int)side).Fill(zeroPoint);
            new Span<T>(row + side + Width * PixelStride, (int)side).Fill(zeroPoint);
        }
    }
}

namespace HourglassSimd.Tensors;

/// <summary>
/// Physical layout of one image's activation: channels packed by <see cref="Pack"/> (1 = plain CHW,
/// 16 = CHW16c, channels rounded up to 16 with zero lanes) and a zero border of <see cref="Halo"/> pixels that lets
/// convolutions read their padding without branches.
/// </summary>
internal readonly record struct ActivationLayout(int Channels, int Height, int Width, int Pack, int Halo)
{
    public int Groups => (Channels + Pack - 1) / Pack;
    public int PaddedHeight => Height + 2 * Halo;
    public int PaddedWidth => Width + 2 * Halo;
    public nint RowStride => (nint)PaddedWidth * Pack;
    /// <summary>
    /// Floats from one channel group to the next: the plane plus, for 16c, one cache line of skew. Without it a
    /// power-of-two plane (64x64x16 floats = 256 KiB) puts the same pixel of every group in the same L1 set, and a
    /// 1x1 convolution reading 16 groups thrashes a 12-way cache.
    /// </summary>
    public nint GroupStride => (nint)PaddedHeight * RowStride + (Pack == 16 ? GroupSkew : 0);

    /// <summary>Floats of skew between 16c channel groups (one 64-byte cache line).</summary>
    public const int GroupSkew = 16;
    public nint Size => Groups * GroupStride;

    /// <summary>Offset of element (channel 0, row 0, column 0) of the interior.</summary>
    public nint Origin => Halo * RowStride + (nint)Halo * Pack;

    /// <summary>Offset of element (c, y, x) of the interior.</summary>
    public nint Offset(int c, int y, int x) => (c / Pack) * GroupStride + Origin + y * RowStride + (nint)x * Pack + c % Pack;

    /// <summary>Copies a plain CHW image into this layout (the halo and padding lanes are left as they are).</summary>
    public unsafe void PackFrom(ReadOnlySpan<float> chw, float* destination)
    {
        for (int c = 0; c < Channels; c++)
        for (int y = 0; y < Height; y++)
        {
            float* row = destination + Offset(c, y, 0);
            ReadOnlySpan<float> source = chw.Slice((c * Height + y) * Width, Width);
            if (Pack == 1)
                source.CopyTo(new Span<float>(row, Width));
            else
                for (int x = 0; x < Width; x++)
                    row[x * Pack] = source[x];
        }
    }

    /// <summary>Copies this layout's interior out to a plain CHW image.</summary>
    public unsafe void UnpackTo(float* source, Span<float> chw)
    {
        for (int c = 0; c < Channels; c++)
        for (int y = 0; y < Height; y++)
        {
            float* row = source + Offset(c, y, 0);
            Span<float> destination = chw.Slice((c * Height + y) * Width, Width);
            for (int x = 0; x < Width; x++)
                destination[x] = row[x * Pack];
        }
    }

    /// <summary>Zeroes the halo ring (all groups); the interior is untouched.</summary>
    public unsafe void ZeroHalo(float* buffer)
    {
        if (Halo == 0)
            return;
        for (int g = 0; g < Groups; g++)
        {
            float* plane = buffer + g * GroupStride;
            nint topRows = Halo * RowStride;
            new Span<float>(plane, (int)topRows).Clear();
            new Span<float>(plane + (Halo + Height) * RowStride, (int)topRows).Clear();
            for (int y = 0; y < Height; y++)
            {
                float* row = plane + (Halo + y) * RowStride;
                new Span<float>(row, Halo * Pack).Clear();
                new Span<float>(row + (Halo + Width) * (nint)Pack, Halo * Pack).Clear();
            }
        }
    }
}

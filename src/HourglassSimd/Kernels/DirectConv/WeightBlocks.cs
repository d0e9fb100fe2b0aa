namespace HourglassSimd.Kernels;

/// <summary>
/// The packed weight layout of <see cref="DirectConv"/>: a matrix of <c>rows</c> (taps × input channels) by the
/// padded output channels, cut into column blocks of <see cref="Channels"/> (64) output channels, each block stored whole
/// (<c>[block][row][64]</c>; the last block is as wide as the channels left).
/// </summary>
/// <remarks>
/// A micro-kernel tile computes at most 64 output channels (4 vectors of Vector512), so it walks one block from its
/// first row to its last: one contiguous stream instead of a 256-byte piece of every row of the whole matrix. The
/// prefetchers follow it and a block of 128 input channels (32 KiB) stays in L1 from one tile to the next.
/// </remarks>
internal static class WeightBlocks
{
    /// <summary>Output channels per block: the widest tile (4 × Vector512).</summary>
    public const int Channels = 64;

    /// <summary>Where weight (<paramref name="row"/>, output channel <paramref name="o"/>) lives.</summary>
    public static int Index(int row, int o, int rows, int outChannelsPadded)
    {
        int block = o / Channels;
        return block * Channels * rows + row * Width(block * Channels, outChannelsPadded) + (o - block * Channels);
    }

    /// <summary>
    /// The offset of output channel <paramref name="firstChannel"/> in row 0; a tile starting there must not cross
    /// into the next block (tiles start at multiples of their width, which divides 64).
    /// </summary>
    public static nint GroupOffset(int firstChannel, int rows)
    {
        int block = firstChannel / Channels;
        return (nint)block * Channels * rows + (firstChannel - block * Channels);
    }

    /// <summary>The row stride of the block holding <paramref name="firstChannel"/>.</summary>
    public static int Width(int firstChannel, int outChannelsPadded) =>
        Math.Min(Channels, outChannelsPadded - firstChannel / Channels * Channels);
}

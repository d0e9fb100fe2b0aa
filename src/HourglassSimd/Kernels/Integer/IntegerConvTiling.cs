namespace HourglassSimd.Kernels.Integer;

/// <summary>
/// How the integer direct convolutions (<see cref="Int8.Int8DirectConv"/>, <see cref="Int16.Int16DirectConv"/>) split
/// a layer into work items: (output-channel group of <see cref="GroupChannels"/>) x (output row) x (tile of up to
/// <see cref="TilePixels"/> pixels), groups varying fastest so that neighbouring items share their input.
/// </summary>
internal static class IntegerConvTiling
{
    /// <summary>Output pixels per item: 6 x 2 accumulators of 8 lanes (or 6 of 16) stay in registers.</summary>
    public const int TilePixels = 6;

    /// <summary>Output channels per item, and the channel block of a float output (NCHW16c).</summary>
    public const int GroupChannels = 16;

    public static int PaddedOutChannels(int channels) => (channels + GroupChannels - 1) / GroupChannels * GroupChannels;

    public static int ItemCount(int outChannelsPadded, int outHeight, int outWidth) => outChannelsPadded / GroupChannels * outHeight * TilesPerRow(outWidth);

    /// <summary>Output-channel group, row and first pixel of <paramref name="item"/>.</summary>
    public static (int Group, int Row, int X) Locate(int outChannelsPadded, int outWidth, int item)
    {
        int groups = outChannelsPadded / GroupChannels;
        int spatial = item / groups;
        int tiles = TilesPerRow(outWidth);
        int row = spatial / tiles;
        return (item - spatial * groups, row, (spatial - row * tiles) * TilePixels);
    }

    private static int TilesPerRow(int outWidth) => (outWidth + TilePixels - 1) / TilePixels;
}

namespace HourglassSimd.Kernels.Integer;

/// <summary>
/// How the integer direct convolutions (<see cref="Int8.Int8DirectConv"/>, <see cref="Int16.Int16DirectConv"/>) split
/// a layer into work items: (output-channel group of <see cref="GroupChannels"/>) x (output row) x (row segment of up
/// to <see cref="SegmentPixels"/> pixels, walked in tiles of <see cref="TilePixels"/>), groups varying fastest so that
/// neighbouring items share their input.
/// </summary>
/// <remarks>
/// An item of one tile did too little for what handing it out costs: on a 1x1 layer from 16 channels (four
/// dot-product steps a tile) the two threads' shared item counters and the per-item set-up took longer than the
/// arithmetic, and two threads ran such a layer slower than one. A segment as long as the float kernel's keeps the
/// items few and still leaves a 64x64 map dozens per thread.
/// <para>
/// Each kernel builds its requantizer once per item, before any tile, and hands it to the tiles: the constructor is a
/// call, and where a tile built it after its accumulation loop the JIT kept the accumulators, live across that call,
/// on the stack (a store and a reload per update). With both changes, a 3x3 24->24 layer at 64x64 went from 470 µs
/// to 158 µs on one thread in two `Int8ConvBenchmarks` runs (docs/quantization.md).
/// </para>
/// </remarks>
internal static class IntegerConvTiling
{
    /// <summary>Output pixels per tile: 6 x 2 accumulators of 8 lanes (or 6 of 16) stay in registers.</summary>
    public const int TilePixels = 6;

    /// <summary>The most output pixels of one item: whole tiles, as the float kernel's segments.</summary>
    public const int SegmentPixels = 16 * TilePixels;

    /// <summary>Output channels per item, and the channel block of a float output (NCHW16c).</summary>
    public const int GroupChannels = 16;

    public static int PaddedOutChannels(int channels) => (channels + GroupChannels - 1) / GroupChannels * GroupChannels;

    public static int ItemCount(int outChannelsPadded, int outHeight, int outWidth) => outChannelsPadded / GroupChannels * outHeight * SegmentsPerRow(outWidth);

    /// <summary>Output-channel group, row and pixel range [<c>X0</c>, <c>X1</c>) of <paramref name="item"/>.</summary>
    public static (int Group, int Row, int X0, int X1) Locate(int outChannelsPadded, int outWidth, int item)
    {
        int groups = outChannelsPadded / GroupChannels;
        int spatial = item / groups;
        int segments = SegmentsPerRow(outWidth);
        int row = spatial / segments;
        int x0 = (spatial - row * segments) * SegmentPixels;
        return (item - spatial * groups, row, x0, Math.Min(outWidth, x0 + SegmentPixels));
    }

    private static int SegmentsPerRow(int outWidth) => (outWidth + SegmentPixels - 1) / SegmentPixels;
}

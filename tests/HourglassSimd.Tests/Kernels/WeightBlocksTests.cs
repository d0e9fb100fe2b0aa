using HourglassSimd.Kernels;

namespace HourglassSimd.Tests.Kernels;

/// <summary><see cref="WeightBlocks"/>: the packed layout the direct convolution and Winograd products read.</summary>
public sealed class WeightBlocksTests
{
    /// <summary>Every (row, channel) gets its own slot in the packed buffer, and the slots fill it exactly.</summary>
    [Theory]
    [InlineData(1, 16)]
    [InlineData(9, 48)]
    [InlineData(128, 64)]
    [InlineData(3, 80)]
    [InlineData(256, 272)]
    public void Index_is_a_bijection_onto_the_buffer(int rows, int outChannelsPadded)
    {
        var seen = new bool[rows * outChannelsPadded];
        for (int row = 0; row < rows; row++)
        for (int o = 0; o < outChannelsPadded; o++)
        {
            int index = WeightBlocks.Index(row, o, rows, outChannelsPadded);
            Assert.InRange(index, 0, seen.Length - 1);
            Assert.False(seen[index], $"row {row}, channel {o} lands on a taken slot {index}");
            seen[index] = true;
        }
    }

    /// <summary>A tile at channel c of any width (16, 32 or 64 channels) finds channel c + j of row r at offset + r·stride + j.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void Tiles_walk_one_block_with_its_stride(int tileChannels)
    {
        const int rows = 5;
        foreach (int padded in new[] { 16, 48, 64, 80, 144, 256 })
        for (int first = 0; first < padded; first += tileChannels)
        {
            nint offset = WeightBlocks.GroupOffset(first, rows);
            int stride = WeightBlocks.Width(first, padded);
            for (int row = 0; row < rows; row++)
            for (int j = 0; j < Math.Min(tileChannels, padded - first); j++)
                Assert.Equal(WeightBlocks.Index(row, first + j, rows, padded), offset + row * stride + j);
        }
    }
}

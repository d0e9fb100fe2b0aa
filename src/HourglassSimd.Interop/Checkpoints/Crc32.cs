namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// The CRC-32 of zip entries (ISO-HDLC: polynomial 0x04C11DB7 reflected, initial and final value 0xFFFFFFFF), eight
/// bytes per step through eight tables ("slicing by 8", about 1 GB/s here). Written here rather than taken from
/// System.IO.Hashing so that the Interop package keeps its single dependency.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320; // 0x04C11DB7 bit-reversed

    private static readonly uint[] Tables = BuildTables();

    /// <summary>The CRC of <paramref name="data"/> continued from <paramref name="crc"/> (0 to start).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables.AsSpan();
        crc = ~crc;
        while (data.Length >= 8)
        {
            uint low = crc ^ (uint)(data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24);
            uint high = (uint)(data[4] | data[5] << 8 | data[6] << 16 | data[7] << 24);
            crc = t[7 * 256 + (int)(low & 0xFF)] ^ t[6 * 256 + (int)((low >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((low >> 16) & 0xFF)] ^ t[4 * 256 + (int)(low >> 24)]
                ^ t[3 * 256 + (int)(high & 0xFF)] ^ t[2 * 256 + (int)((high >> 8) & 0xFF)]
                ^ t[256 + (int)((high >> 16) & 0xFF)] ^ t[(int)(high >> 24)];
            data = data[8..];
        }
        foreach (byte b in data)
            crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        return ~crc;
    }

    // Table k gives the CRC contribution of a byte followed by k zero bytes.
    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            tables[n] = c;
        }
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
                tables[k * 256 + n] = tables[(k - 1) * 256 + n] >> 8 ^ tables[tables[(k - 1) * 256 + n] & 0xFF];
        return tables;
    }
}

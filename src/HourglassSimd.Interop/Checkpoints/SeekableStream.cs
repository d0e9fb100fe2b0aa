namespace HourglassSimd.Interop.Checkpoints;

/// <summary>The readers look ahead and jump back; a stream that cannot seek is copied into memory first.</summary>
internal static class SeekableStream
{
    public static Stream Ensure(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
            return stream;
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }
}

namespace HourglassSimd.IO;

/// <summary>
/// Reads a whole input file with a size cap: only a regular file is opened (a FIFO would block, <c>/dev/zero</c> never
/// ends), its length is checked before reading, and no more than the cap plus one byte is ever read (a file may grow).
/// </summary>
public static class BoundedFile
{
    /// <summary>The bytes of the regular file at <paramref name="path"/>, at most <paramref name="maxBytes"/> of them.</summary>
    /// <exception cref="FileNotFoundException">Nothing exists at the path.</exception>
    /// <exception cref="NotRegularFileException">The path names a device, a FIFO, a socket or a directory.</exception>
    /// <exception cref="FileTooLargeException">The file has more than <paramref name="maxBytes"/> bytes.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var kind = FileKinds.Of(path);
        if (kind == FileKind.Missing)
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        if (kind != FileKind.Regular)
            throw new NotRegularFileException(path, kind);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        if (stream.Length > maxBytes)
            throw new FileTooLargeException(path, maxBytes);
        return ReadAllBytes(stream, path, maxBytes);
    }

    /// <summary>The rest of <paramref name="stream"/>, at most <paramref name="maxBytes"/> bytes; <paramref name="name"/> labels it in messages.</summary>
    /// <exception cref="FileTooLargeException">The stream has more than <paramref name="maxBytes"/> bytes left.</exception>
    public static byte[] ReadAllBytes(Stream stream, string name, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
                throw new FileTooLargeException(name, maxBytes);
        }
        return buffer.ToArray();
    }
}

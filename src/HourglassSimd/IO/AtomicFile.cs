namespace HourglassSimd.IO;

/// <summary>
/// Writes an output file whole or not at all: into a temporary file beside it, renamed over the path once complete, so
/// that a failure leaves the old file (or none) and never a partial one. Only a regular file is ever replaced: a path
/// that names a device, a FIFO, a socket or a directory is refused before anything is written (a rename would
/// otherwise put a regular file in the place of <c>/dev/null</c>, and opening a FIFO waits for a reader).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, which gets a stream on the temporary file.</summary>
    /// <exception cref="NotRegularFileException">The path exists and is not a regular file; it is left untouched.</exception>
    /// <exception cref="IOException">The folder does not exist or the file cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        RefuseNonRegular(path);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
                write(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone already after a successful move
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> as <see cref="Write(string, Action{Stream})"/> does.</summary>
    /// <exception cref="NotRegularFileException">The path exists and is not a regular file; it is left untouched.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark) to <paramref name="path"/> as <see cref="Write(string, Action{Stream})"/> does.</summary>
    /// <exception cref="NotRegularFileException">The path exists and is not a regular file; it is left untouched.</exception>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Throws when <paramref name="path"/> exists and is not a regular file (for commands that check their outputs up front).</summary>
    /// <exception cref="NotRegularFileException">The path names a device, a FIFO, a socket or a directory.</exception>
    public static void RefuseNonRegular(string path)
    {
        var kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new NotRegularFileException(path, kind, output: true);
    }
}

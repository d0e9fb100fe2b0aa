namespace HourglassSimd.IO;

/// <summary>
/// A path that must be a regular file (or not exist yet) names a device, a FIFO, a socket or a directory. Thrown by
/// <see cref="AtomicFile.Write"/> before anything is written: the path is left as it was.
/// </summary>
public sealed class NotRegularFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, which is of <paramref name="kind"/>.</summary>
    public NotRegularFileException(string path, FileKind kind)
        : base($"'{path}' is {FileKinds.Describe(kind)}, not a regular file; refusing to replace it.")
    {
        FilePath = path;
        Kind = kind;
    }

    /// <summary>The path as given.</summary>
    public string FilePath { get; }

    /// <summary>What the path names.</summary>
    public FileKind Kind { get; }
}

namespace HourglassSimd.IO;

/// <summary>
/// A path that must be a regular file (or, for an output, not exist yet) names a device, a FIFO, a socket or a
/// directory. Thrown by <see cref="AtomicFile.Write"/> before anything is written (the path is left as it was) and by
/// <see cref="BoundedFile.ReadAllBytes(string, long)"/> before anything is opened.
/// </summary>
public sealed class NotRegularFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, which is of <paramref name="kind"/>.</summary>
    /// <param name="path">The path as given.</param>
    /// <param name="kind">What it names.</param>
    /// <param name="output">True for a path that was to be written (the message says it is not replaced).</param>
    public NotRegularFileException(string path, FileKind kind, bool output = false)
        : base($"'{path}' is {FileKinds.Describe(kind)}, not a regular file; {(output ? "refusing to replace it" : "only regular files are read")}.")
    {
        FilePath = path;
        Kind = kind;
    }

    /// <summary>The path as given.</summary>
    public string FilePath { get; }

    /// <summary>What the path names.</summary>
    public FileKind Kind { get; }
}

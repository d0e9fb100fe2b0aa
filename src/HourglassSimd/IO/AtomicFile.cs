using System.Text;

namespace HourglassSimd.IO;

/// <summary>
/// Writes a file through a temporary file in the same folder that is renamed over the destination once it is complete.
/// Whatever happens to the writer (an exception, Ctrl+C, a full disk), the destination holds either its earlier content
/// or the whole new content, never a partial or empty file. Every file writer of the HourglassSimd libraries and of the
/// <c>hourglass</c> tool goes through it.
/// </summary>
/// <remarks>
/// The temporary file is <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside the destination (the same file system, so the
/// rename is atomic) and is deleted when writing fails; only a process killed while writing (SIGKILL, power loss) can
/// leave one behind. The data is not forced to the disk before the rename (no fsync): the guarantee is against an
/// interrupted or failing writer, not against a crash of the machine.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <param name="path">Destination file; its folder must exist.</param>
    /// <param name="write">Writes the whole content; the stream is closed after it returns.</param>
    /// <exception cref="IOException">
    /// The temporary file cannot be created, written or renamed over the destination: the folder is missing, the disk is
    /// full, the destination is a folder, ... (<see cref="DirectoryNotFoundException"/> for a missing folder).
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temporary = TemporaryPathFor(full);
        try
        {
            // CreateNew: a temporary name that somehow exists is never truncated.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
                write(stream);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing to delete after a successful rename
        }
    }

    /// <summary>Creates or replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    /// <inheritdoc cref="Write(string, Action{Stream})" path="/exception"/>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The name of the temporary file for <paramref name="fullPath"/>: hidden, unique, ending in <c>.tmp</c>.</summary>
    internal static string TemporaryPathFor(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
}

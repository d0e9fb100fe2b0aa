namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// A checkpoint file cannot be read: not a checkpoint at all, truncated, corrupt, or using something this reader does
/// not support (a dtype, a pickled global, a non-contiguous tensor). The message names the file and, where it helps,
/// the key and the byte offset.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> is prefixed with the file's name.</summary>
    public CheckpointFormatException(string path, string message)
        : base($"{Path.GetFileName(path)}: {message}")
    {
        FilePath = path;
        Reason = message;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>The message without the file name.</summary>
    public string Reason { get; }
}

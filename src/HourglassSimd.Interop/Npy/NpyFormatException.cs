namespace HourglassSimd.Interop.Npy;

/// <summary>A <c>.npy</c> file cannot be used: not NPY, truncated, or of a dtype, order or shape that is not supported.</summary>
public sealed class NpyFormatException(string path, string message) : IOException($"{Path.GetFileName(path)}: {message}")
{
    /// <summary>The file.</summary>
    public string FilePath { get; } = path;
}

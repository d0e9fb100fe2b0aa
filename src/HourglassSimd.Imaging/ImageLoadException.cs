namespace HourglassSimd.Imaging;

/// <summary>
/// An image file was refused by a limit or could not be decoded. Every failure of <see cref="ImageLoader"/> is reported
/// with this type (the decoder's own exception, if any, is the inner exception); the message names the file, the
/// limit and the value found.
/// </summary>
public sealed class ImageLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageLoadException(string fileName, ImageLoadFailure failure, string message, long? limit = null, long? found = null, Exception? innerException = null)
        : base($"{fileName}: {message}", innerException)
    {
        FileName = fileName;
        Failure = failure;
        Limit = limit;
        Found = found;
    }

    /// <summary>The file name (or stream label) the error is about.</summary>
    public string FileName { get; }

    /// <summary>What went wrong.</summary>
    public ImageLoadFailure Failure { get; }

    /// <summary>The limit that was exceeded, when a limit was (bytes, pixels or pixels per side).</summary>
    public long? Limit { get; }

    /// <summary>The value that exceeded it.</summary>
    public long? Found { get; }
}

namespace HourglassSimd.IO;

/// <summary>A file or stream holds more bytes than the reader accepts (<see cref="BoundedFile"/>).</summary>
public sealed class FileTooLargeException : IOException
{
    /// <summary>Creates the exception for <paramref name="name"/>, which holds more than <paramref name="limit"/> bytes.</summary>
    public FileTooLargeException(string name, long limit)
        : base($"'{name}' has more than {limit} bytes, the most this reader accepts.")
    {
        Name = name;
        Limit = limit;
    }

    /// <summary>The path or label of what was read.</summary>
    public string Name { get; }

    /// <summary>The most bytes accepted.</summary>
    public long Limit { get; }
}

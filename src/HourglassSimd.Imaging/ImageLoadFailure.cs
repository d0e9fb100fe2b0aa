namespace HourglassSimd.Imaging;

/// <summary>Why an image file was refused or could not be decoded.</summary>
public enum ImageLoadFailure
{
    /// <summary>The file does not exist.</summary>
    NotFound,

    /// <summary>The file could not be read (I/O error, access denied).</summary>
    ReadError,

    /// <summary>The file is larger than <see cref="ImageLoadLimits.MaxFileBytes"/>.</summary>
    FileTooLarge,

    /// <summary>A declared width or height exceeds <see cref="ImageLoadLimits.MaxDimension"/>.</summary>
    DimensionTooLarge,

    /// <summary>The declared width × height exceeds <see cref="ImageLoadLimits.MaxPixels"/>.</summary>
    TooManyPixels,

    /// <summary>The bytes are not a PNG, JPEG or BMP image.</summary>
    UnknownFormat,

    /// <summary>The header or data is corrupt or truncated, or the decoder failed on it.</summary>
    InvalidContent,

    /// <summary>Decoding needed more memory than <see cref="ImageLoadLimits.AllocationLimitMegabytes"/> allows.</summary>
    MemoryLimit,

    // Added after the others so that their numeric values stay as released.

    /// <summary>The path names a device, a FIFO or a socket, not a regular file; it is not opened (a FIFO would block).</summary>
    NotRegularFile,
}

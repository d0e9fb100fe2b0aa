namespace HourglassSimd.Imaging;

/// <summary>
/// Limits against hostile or accidental huge image files (decompression bombs, ImageSharp advisories). The file size
/// is checked before reading, and the declared dimensions from the header (<c>Image.Identify</c>) before decoding.
/// Immutable.
/// </summary>
public sealed record ImageLoadLimits
{
    /// <summary>The defaults: 50 MiB files, 16384 pixels per side, 40 megapixels, 1024 MB per decoder buffer group.</summary>
    public static ImageLoadLimits Default { get; } = new();

    /// <summary>Largest accepted file, in bytes. Default 50 MiB.</summary>
    public long MaxFileBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest accepted declared width or height, in pixels. Default 16384.</summary>
    public int MaxDimension { get; init; } = 16384;

    /// <summary>Largest accepted declared width × height. Default 40,000,000.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>
    /// ImageSharp's <c>MemoryAllocatorOptions.AllocationLimitMegabytes</c> for the loader's private configuration: the most one
    /// decoder buffer group may take. A backstop behind the dimension checks. Default 1024.
    /// </summary>
    public int AllocationLimitMegabytes { get; init; } = 1024;

    /// <summary>Reject PNG files without an IEND chunk, JPEG files without an end-of-image marker, and BMP files shorter than the
    /// pixel data their header declares, which ImageSharp would otherwise decode partially (missing rows come out black or
    /// grey) without error. A JPEG cut inside its scan data and given an end marker again is not detected. Default true.</summary>
    public bool RejectTruncated { get; init; } = true;

    /// <summary>Rotate/flip the pixels as the EXIF orientation tag says (photos from phones). Default true.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    internal void Validate()
    {
        if (MaxFileBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "MaxFileBytes must be at least 1.");
        if (MaxDimension < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDimension), MaxDimension, "MaxDimension must be at least 1.");
        if (MaxPixels < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be at least 1.");
        if (AllocationLimitMegabytes < 1)
            throw new ArgumentOutOfRangeException(nameof(AllocationLimitMegabytes), AllocationLimitMegabytes, "AllocationLimitMegabytes must be at least 1.");
    }
}

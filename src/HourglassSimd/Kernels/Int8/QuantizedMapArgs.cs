namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// Channel-last u8 maps for <see cref="QuantizedPooling"/> and <see cref="QuantizedPreActivation"/>: pixel (r, c) of a map holds <see cref="Channels"/> bytes at
/// <c>base + r · RowStride + c · PixelStride</c>. <see cref="Width"/> counts output pixels per row.
/// </summary>
internal unsafe struct QuantizedMapArgs
{
    public byte* Input;
    public nint InRowStride;
    public nint InPixelStride;
    public int InputZeroPoint;

    /// <summary>Input scale over output scale (upsample-add only).</summary>
    public float InputMultiplier;

    /// <summary>The full-size upper branch (upsample-add only).</summary>
    public byte* Skip;
    public nint SkipRowStride;
    public nint SkipPixelStride;
    public int SkipZeroPoint;

    /// <summary>Skip scale over output scale (upsample-add only).</summary>
    public float SkipMultiplier;

    public byte* Output;
    public nint OutRowStride;
    public nint OutPixelStride;
    public int OutputZeroPoint;

    /// <summary>Output pixels per row.</summary>
    public int Width;

    /// <summary>Channels (bytes) per pixel to process.</summary>
    public int Channels;
}

namespace HourglassSimd.Tensors;

/// <summary>
/// A zero-initialized float buffer on the pinned object heap whose first element is 64-byte aligned (one cache
/// line, one zmm load). The array stays pinned for the buffer's life, so <see cref="Pointer"/> is stable.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private const int AlignmentFloats = 16;
    private readonly float[] _array;
    private readonly int _offset;

    public AlignedBuffer(nint length)
    {
        if (length < 0 || length > Array.MaxLength - AlignmentFloats)
            throw new OutOfMemoryException($"A buffer of {length} floats is larger than one .NET array can hold.");
        Length = length;
        _array = GC.AllocateArray<float>((int)length + AlignmentFloats, pinned: true);
        fixed (float* p = _array)
        {
            nint misalignment = (nint)p & 63;
            _offset = misalignment == 0 ? 0 : (int)((64 - misalignment) / sizeof(float));
            Pointer = p + _offset;
        }
    }

    public float* Pointer { get; }

    public nint Length { get; }

    public Span<float> Span => _array.AsSpan(_offset, (int)Length);
}

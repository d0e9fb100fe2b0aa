using HourglassSimd.Tensors;

namespace HourglassSimd.Graph;

/// <summary>
/// One activation tensor of one image in the execution plan. A value written in place over another
/// (<see cref="AliasOf"/>) shares its buffer.
/// </summary>
internal sealed class Value(int channels, int height, int width, int halo = 0, bool plain = false, Value? aliasOf = null,
    ValueFormat format = ValueFormat.Float)
{
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;

    /// <summary>
    /// Zero border the consumers need (a padded convolution's padding), on the SIMD path; raised by the plan builder
    /// as consumers appear. Only the root's counts.
    /// </summary>
    public int Halo { get; set; } = halo;

    /// <summary>Kept as plain CHW even on the SIMD path (the 3-channel input image).</summary>
    public bool Plain { get; } = plain;

    /// <summary>The value whose buffer this one is written over (in place), or null; set by the builder before layouts are assigned.</summary>
    public Value? AliasOf { get; set; } = aliasOf;

    public Value Root => AliasOf?.Root ?? this;

    /// <summary>What the elements are: floats (packed or plain, as the plan decides), or a quantized model's channel-last bytes or floats.</summary>
    public ValueFormat Format { get; } = format;

    /// <summary>Set by <see cref="ExecutionPlan"/>.</summary>
    public ActivationLayout Layout { get; set; }

    /// <summary>Offset of the buffer in the arena, in floats; set by <see cref="ExecutionPlan"/>.</summary>
    public nint Offset { get; set; }
}

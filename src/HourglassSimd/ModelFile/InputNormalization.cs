namespace HourglassSimd;

/// <summary>
/// How 8-bit RGB pixels become the network's input values: <c>value = (pixel / 255 − Mean[c]) / Std[c]</c> for
/// c = R, G, B. The reference PyTorch weights (hourglass-spec §2.3) use pixel / 255 (<see cref="Default"/>); the
/// bearpaw weights subtract a mean (<see cref="MeanSubtracted"/>).
/// </summary>
public sealed record InputNormalization
{
    /// <summary>Creates a normalization; both arrays hold 3 finite values and every std is positive.</summary>
    public InputNormalization(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != 3 || std.Length != 3)
            throw new ArgumentException($"mean and std need 3 values (R, G, B); got {mean.Length} and {std.Length}.");
        if (!mean.All(float.IsFinite) || !std.All(s => float.IsFinite(s) && s > 0))
            throw new ArgumentException("mean must be finite and std finite and positive.");
        Mean = (float[])mean.Clone();
        Std = (float[])std.Clone();
    }

    /// <summary>Per-channel mean subtracted from pixel / 255 (R, G, B).</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-channel divisor after the mean (R, G, B).</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>pixel / 255: the reference PyTorch (PV) and Lua weights.</summary>
    public static InputNormalization Default { get; } = new([0, 0, 0], [1, 1, 1]);

    /// <summary>pixel / 255 − (0.4404, 0.4440, 0.4327): the bearpaw (BP) weights.</summary>
    public static InputNormalization MeanSubtracted { get; } = new([0.4404f, 0.4440f, 0.4327f], [1, 1, 1]);

    /// <summary>The input value for an 8-bit <paramref name="pixel"/> of channel <paramref name="channel"/>.</summary>
    public float Apply(int channel, byte pixel) => (pixel / 255f - Mean[channel]) / Std[channel];

    /// <inheritdoc/>
    public bool Equals(InputNormalization? other) =>
        other is not null && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mean[0], Mean[1], Mean[2], Std[0], Std[1], Std[2]);

    /// <inheritdoc/>
    public override string ToString() => $"(pixel/255 - [{string.Join(", ", Mean)}]) / [{string.Join(", ", Std)}]";
}

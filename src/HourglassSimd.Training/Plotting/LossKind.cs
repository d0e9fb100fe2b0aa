namespace HourglassSimd.Training;

/// <summary>Which loss a <see cref="LossRecord"/> holds.</summary>
public enum LossKind
{
    /// <summary>The mean training loss of a block of steps: a <c>--log-every</c> line, over the steps since the previous one.</summary>
    Block,

    /// <summary>The mean training loss of a whole epoch (the per-epoch line's <c>loss</c>).</summary>
    Train,

    /// <summary>The validation loss after an epoch (the per-epoch line's <c>val-loss</c>).</summary>
    Validation,
}

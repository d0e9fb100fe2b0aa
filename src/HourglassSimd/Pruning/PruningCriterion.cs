namespace HourglassSimd.Pruning;

/// <summary>How <see cref="ChannelPruner"/> ranks the inner channels of residual modules.</summary>
public enum PruningCriterion
{
    /// <summary>
    /// L1 norm of each channel's filter as it acts at inference: the convolution weights times the scale of the batch
    /// norm that follows (already folded in an <c>.hgw</c>). Works on both weight forms.
    /// </summary>
    FilterL1 = 0,

    /// <summary>
    /// |γ| of the batch norm after each channel ("network slimming", Liu et al., ICCV 2017). Needs the trained form
    /// (a checkpoint): an <c>.hgw</c> has its batch norms folded away.
    /// </summary>
    BatchNormScale = 1,
}

namespace HourglassSimd;

/// <summary>The residual module every box of the network uses (hourglass-spec §1.2 and docs/architecture.md).</summary>
public enum ResidualBlock
{
    /// <summary>
    /// The paper's pre-activation bottleneck: BN + ReLU, 1x1 (in→out/2), BN + ReLU, 3x3 (out/2→out/2), BN + ReLU,
    /// 1x1 (out/2→out), plus the shortcut.
    /// </summary>
    Bottleneck = 0,

    /// <summary>
    /// The same bottleneck with its 3x3 convolution depthwise (one 3x3 filter per channel, <c>groups</c> = out/2):
    /// the ResNeXt bottleneck at a cardinality equal to its width, the separable form MobileNet popularized. The
    /// 3x3 layer's cost drops from out²/4·9 to out/2·9 multiply-adds per pixel; the checkpoint keys stay the same,
    /// only <c>conv2.conv.weight</c> becomes [out/2, 1, 3, 3].
    /// </summary>
    Depthwise = 1,
}

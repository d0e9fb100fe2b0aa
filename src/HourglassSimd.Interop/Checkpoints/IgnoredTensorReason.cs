namespace HourglassSimd.Interop.Checkpoints;

/// <summary>Why a checkpoint tensor is not needed for inference.</summary>
public enum IgnoredTensorReason
{
    /// <summary><c>num_batches_tracked</c>: a batch-norm training step counter.</summary>
    BatchNormStepCounter,

    /// <summary>
    /// <c>skip_layer.conv.*</c> of a residual whose input and output widths are equal: princeton-vl's model creates this
    /// shortcut convolution but never uses it (hourglass-spec §1.7).
    /// </summary>
    UnusedIdentityShortcut,
}

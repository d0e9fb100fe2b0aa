namespace HourglassSimd.Training;

/// <summary>
/// Runs a piece of libtorch work (a training step, an evaluation batch) with no finalizer running while it runs.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 passes the native handle of a temporary <c>Scalar</c> to libtorch without keeping the managed
/// object alive (for example <c>Tensor.add_(1)</c> in <c>BatchNorm.forward</c>, and the learning-rate and decay scalars
/// in <c>RMSProp.step</c>). The <c>Scalar</c> has a finalizer that frees the native value, so a garbage collection on
/// another thread during the call can free the scalar while libtorch reads it: the memory is reused, and libtorch then
/// sees a scalar of another type or value. That is what made training fail with "For integral input tensors, argument
/// alpha must not be a floating point number" (an integer <c>num_batches_tracked</c> incremented by a scalar that had
/// become a float), "Expected false to be true", or a NaN loss, at random steps and more often when other threads
/// allocate (docs/training.md). Here the work runs inside a <see cref="FinalizerHold"/> (whose start collects and lets
/// the finalizers queued before it run, between native calls): collections may still happen during the work, but the
/// scalars they find wait in the finalizer queue until the work has returned.
/// </remarks>
public static class GcQuietStep
{
    /// <summary>
    /// <c>HOURGLASS_GC_GUARD=off</c> turns the guard off, to reproduce the defect (with <c>--self-check</c> and a small
    /// gen0 budget, <c>DOTNET_GCgen0size=0x20000</c>); anything else, or nothing, leaves it on.
    /// </summary>
    public const string SwitchVariable = "HOURGLASS_GC_GUARD";

    private static readonly bool Enabled =
        !string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the guard is on (it is unless <see cref="SwitchVariable"/> is <c>off</c>).</summary>
    public static bool IsEnabled => Enabled;

    /// <summary>Runs <paramref name="work"/> with no finalizer running during it.</summary>
    /// <exception cref="InvalidOperationException">The finalizer thread could not be held (see <see cref="FinalizerHold.Start"/>).</exception>
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Enabled)
            return work();
        using FinalizerHold hold = FinalizerHold.Start();
        return work();
    }
}

using System.Runtime.CompilerServices;

namespace HourglassSimd.Training;

/// <summary>
/// Keeps the runtime's finalizer thread waiting until disposed, so that no finalizer runs meanwhile: objects that a
/// garbage collection finds unreachable are queued, and finalized only after <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// CoreCLR runs every finalizer on one thread, in turn. The hold plants an unreachable object whose finalizer signals
/// that it has started and then waits for <see cref="Dispose"/>; a collection queues it, and <see cref="Start"/>
/// returns once the finalizer thread is inside it. Collections can still happen during the hold (they move and free
/// managed memory as usual); only the finalizers wait. <see cref="GcQuietStep"/> uses it because TorchSharp frees the
/// native value of a temporary <c>Scalar</c> in its finalizer while libtorch may still read it.
/// </remarks>
internal sealed class FinalizerHold : IDisposable
{
    /// <summary>How long <see cref="Start"/> waits for the finalizer thread to reach the hold before giving up.</summary>
    private static readonly TimeSpan EnterTimeout = TimeSpan.FromSeconds(60);

    private readonly ManualResetEventSlim entered = new(initialState: false);
    private readonly ManualResetEventSlim released = new(initialState: false);
    private bool disposed;

    private FinalizerHold()
    {
    }

    /// <summary>
    /// Returns once the finalizer thread waits inside the hold: the finalizers queued by earlier collections have run
    /// (the thread takes its queue in order); those of objects found by the hold's own collection may run before or after.
    /// </summary>
    /// <exception cref="InvalidOperationException">The finalizer thread did not reach the hold within a minute.</exception>
    public static FinalizerHold Start()
    {
        var hold = new FinalizerHold();
        Plant(hold.entered, hold.released);
        GC.Collect();
        if (!hold.entered.Wait(EnterTimeout))
        {
            hold.Dispose();
            throw new InvalidOperationException(
                "The .NET finalizer thread did not reach the hold within a minute; another finalizer may be stuck.");
        }

        return hold;
    }

    /// <summary>Lets the finalizer thread go on (it then finalizes whatever was queued during the hold).</summary>
    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        released.Set();
    }

    // In its own method, so that no local of Start keeps the blocker reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Plant(ManualResetEventSlim entered, ManualResetEventSlim released) => _ = new Blocker(entered, released);

    private sealed class Blocker(ManualResetEventSlim entered, ManualResetEventSlim released)
    {
        ~Blocker()
        {
            entered.Set();
            released.Wait();
        }
    }
}

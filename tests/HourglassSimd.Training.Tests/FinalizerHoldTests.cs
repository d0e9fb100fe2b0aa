using System.Runtime.CompilerServices;

namespace HourglassSimd.Training.Tests;

/// <summary>
/// <see cref="FinalizerHold"/> is what keeps TorchSharp's temporary scalars alive during a step (<see cref="GcQuietStep"/>):
/// an object that becomes unreachable during the hold is collected but not finalized until the hold ends.
/// </summary>
public sealed class FinalizerHoldTests
{
    [Fact]
    public void An_object_dropped_during_the_hold_is_finalized_only_after_it()
    {
        var finalized = new ManualResetEventSlim(initialState: false);
        using (FinalizerHold.Start())
        {
            Drop(finalized);
            GC.Collect();
            GC.Collect();
            Assert.False(finalized.Wait(TimeSpan.FromMilliseconds(300)), "a finalizer ran during the hold");
        }

        GC.Collect();
        Assert.True(finalized.Wait(TimeSpan.FromSeconds(30)), "the finalizer did not run after the hold ended");
    }

    [Fact]
    public void Without_the_hold_the_same_object_is_finalized_at_once()
    {
        // The control for the test above: the probe's finalizer does run after a collection when nothing holds the thread.
        var finalized = new ManualResetEventSlim(initialState: false);
        Drop(finalized);
        GC.Collect();
        Assert.True(finalized.Wait(TimeSpan.FromSeconds(30)), "the probe was not finalized");
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_the_finalizer_thread_goes_on()
    {
        FinalizerHold hold = FinalizerHold.Start();
        hold.Dispose();
        hold.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Drop(ManualResetEventSlim finalized) => _ = new Probe(finalized);

    private sealed class Probe(ManualResetEventSlim finalized)
    {
        ~Probe() => finalized.Set();
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// The check for the defect <see cref="GcQuietStep"/> guards against: an int64 tensor incremented with
/// <c>add_(1)</c> (TorchSharp makes a temporary <c>Scalar</c> for the 1 and for the implicit alpha, exactly as
/// <c>BatchNorm.forward</c> does) while another thread allocates managed memory. Unguarded, a garbage collection during
/// the native call can finalize the temporary scalar while libtorch reads it ("Unknown scalar type", "Expected false to
/// be true", a wrong count). Guarded, every call runs inside a <see cref="GcQuietStep"/>, and the count must come out exact.
/// </summary>
public static class TemporaryScalarStress
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="callsPerStep"/> increments next to an allocating thread.</summary>
    /// <returns>Whether every increment landed, and one line that says what ran.</returns>
    public static (bool Passed, string Line) Run(bool guarded = true, int steps = 1000, int callsPerStep = 200)
    {
        using var counter = tensor(0L);
        int stop = 0;
        // A neighbour that allocates as fast as it can (small arrays, most soon garbage): collections all the time, also
        // inside a guarded step, and the more of them the longer the step.
        var noise = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (Volatile.Read(ref stop) == 0)
            {
                keep.Add(new byte[1000]);
                if (keep.Count > 1000)
                    keep.Clear();
            }
        }) { IsBackground = true, Name = "allocating neighbour" };
        noise.Start();
        int done = 0;
        string? failure = null;
        try
        {
            for (int step = 0; step < steps; step++)
            {
                if (guarded)
                    done += GcQuietStep.Run(() => Increment(counter, callsPerStep));
                else
                    done += Increment(counter, callsPerStep);
            }
        }
        catch (ExternalException e)
        {
            failure = e.Message.Split('\n')[0].Trim();
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            noise.Join();
        }

        long count = failure is null ? counter.item<long>() : -1;
        bool passed = failure is null && count == (long)steps * callsPerStep;
        string mode = string.Create(CultureInfo.InvariantCulture,
            $"{steps} steps of {callsPerStep} calls, {(guarded && GcQuietStep.IsEnabled ? "inside GcQuietStep" : "unguarded")}");
        string line = passed
            ? string.Create(CultureInfo.InvariantCulture, $"temporary scalars next to an allocating thread ({mode}): {count} increments, ok")
            : string.Create(CultureInfo.InvariantCulture, $"temporary scalars next to an allocating thread ({mode}): FAILED after {done} of {steps * callsPerStep} increments: {failure ?? $"count {count}"}");
        return (passed, line);
    }

    private static int Increment(Tensor counter, int calls)
    {
        for (int i = 0; i < calls; i++)
            counter.add_(1);
        return calls;
    }
}

using System.Collections.Concurrent;
using HourglassSimd.Threading;

namespace HourglassSimd.Graph;

/// <summary>
/// The plan of one input size with its pool of run contexts (activation arenas sized for that plan), so that
/// concurrent runs of one size each get their own arena without allocating once warm.
/// </summary>
internal sealed class SizedPlan(HourglassArchitecture architecture, ExecutionPlan plan)
{
    private readonly ConcurrentBag<RunContext> _contexts = [];

    /// <summary>The network's architecture at this plan's input size.</summary>
    public HourglassArchitecture Architecture { get; } = architecture;

    public ExecutionPlan Plan { get; } = plan;

    /// <summary>A free context of this plan, or a new one; give it back with <see cref="Return"/>.</summary>
    public RunContext Rent(WorkerPool pool) => _contexts.TryTake(out var context) ? context : new RunContext(Plan, pool);

    public void Return(RunContext context) => _contexts.Add(context);
}

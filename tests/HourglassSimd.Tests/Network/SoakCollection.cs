namespace HourglassSimd.Tests.Network;

/// <summary>Tests that measure the whole process (allocations, working set): they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(SoakCollection), DisableParallelization = true)]
public sealed class SoakCollection;

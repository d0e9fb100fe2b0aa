namespace HourglassSimd.Pruning;

/// <summary>One residual module's inner width before and after pruning.</summary>
public sealed record PrunedModule(string Prefix, int WidthBefore, int WidthAfter);

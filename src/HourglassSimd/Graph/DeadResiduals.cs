namespace HourglassSimd.Graph;

/// <summary>
/// Where a plan can write a convolution's sum over its residual: the residual is read by that convolution only, owns
/// its buffer (is no alias) and has the sum's shape. Each plan builder decides what else it needs (halos) and aliases.
/// </summary>
internal static class DeadResiduals
{
    /// <summary>
    /// The (residual, sum) pairs among <paramref name="sums"/> whose residual nothing else in <paramref name="layers"/>
    /// reads. Lazy on purpose: each pair is tested after the caller has aliased the pairs before it.
    /// </summary>
    public static IEnumerable<(Value Residual, Value Sum)> Candidates(IReadOnlyList<Layer> layers, IEnumerable<(Value? Residual, Value Sum)> sums)
    {
        var reads = new Dictionary<Value, int>();
        foreach (var layer in layers)
            foreach (var value in layer.Inputs)
                reads[value] = reads.GetValueOrDefault(value) + 1;
        foreach (var (residual, sum) in sums)
        {
            if (residual is not null && reads[residual] == 1 && residual.Root == residual
                && (residual.Channels, residual.Height, residual.Width) == (sum.Channels, sum.Height, sum.Width))
                yield return (residual, sum);
        }
    }
}

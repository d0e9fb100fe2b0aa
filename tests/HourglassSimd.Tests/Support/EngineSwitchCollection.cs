namespace HourglassSimd.Tests.Support;

/// <summary>
/// Tests that flip the engine's process-wide A/B switches (<c>DirectConv.UseSharedPrologue</c> and
/// <c>UseWideTiles</c>, <c>RunContext.InlineWork</c>, <c>WorkerPool.ContiguousShares</c>): they run alone, after the
/// parallel ones, so that each compares the forms it set. <c>UseSharedPrologue</c> changes how a layer numbers its work
/// items: before the kernel kept the value it was bound with (<c>ConvArgs.MaySharePrologue</c>), a flip while another
/// test's network ran made that run decode items it never counted, and one network parity test failed at random
/// with a 35% error on its second image.
/// </summary>
[CollectionDefinition(nameof(EngineSwitchCollection), DisableParallelization = true)]
public sealed class EngineSwitchCollection;

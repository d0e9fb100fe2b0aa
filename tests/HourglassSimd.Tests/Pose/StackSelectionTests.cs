using HourglassSimd.Pose;

namespace HourglassSimd.Tests.Pose;

public sealed class StackSelectionTests
{
    [Fact]
    public void Resolves_last_all_and_explicit_indices()
    {
        Assert.Equal([7], StackSelection.Last.Resolve(8));
        Assert.Equal([0, 1, 2, 3], StackSelection.All.Resolve(4));
        Assert.Equal([0, 3], StackSelection.Of(0, -1).Resolve(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => StackSelection.Of(2).Resolve(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => StackSelection.Of(1, -1).Resolve(2));  // same stack twice
        Assert.Throws<ArgumentException>(() => StackSelection.Of());
    }
}

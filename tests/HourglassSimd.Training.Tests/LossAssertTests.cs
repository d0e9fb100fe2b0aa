using Xunit.Sdk;

namespace HourglassSimd.Training.Tests;

/// <summary>The loss checks of the training tests can fail, with a message that says why.</summary>
public sealed class LossAssertTests
{
    [Fact]
    public void FiniteAndFalling_AcceptsAFallingLoss() => LossAssert.FiniteAndFalling([0.5, 0.4, 0.3]);

    [Fact]
    public void FiniteAndFalling_FailsOnNaN_NamingTheEpoch()
    {
        var e = Assert.Throws<TrueException>(() => LossAssert.FiniteAndFalling([0.5, double.NaN, 0.1]));
        Assert.Contains("not finite at epoch 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FiniteAndFalling_FailsOnInfinityAndOnARisingLoss()
    {
        Assert.Throws<TrueException>(() => LossAssert.FiniteAndFalling([0.5, 0.4, double.PositiveInfinity]));
        var e = Assert.Throws<TrueException>(() => LossAssert.FiniteAndFalling([0.3, 0.4]));
        Assert.Contains("did not fall", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finite_FailsOnNaNAndOnMissing()
    {
        Assert.Throws<TrueException>(() => LossAssert.Finite([0.1, double.NaN], "validation loss"));
        Assert.Throws<TrueException>(() => LossAssert.Finite([0.1, null], "validation loss"));
    }
}

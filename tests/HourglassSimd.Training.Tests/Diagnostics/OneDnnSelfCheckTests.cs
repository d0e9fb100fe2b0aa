using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HourglassSimd.Training.Tests;

public sealed class OneDnnSelfCheckTests(ITestOutputHelper output)
{
    /// <summary>One repeat of the 16-feature network's operations: enough for the tests, quick.</summary>
    private static readonly SelfCheckSettings Quick = new() { Features = [16], Repeats = 1 };

    [Fact]
    public void SelfCheck_PassesOnThisMachine_AndCoversEveryOperation()
    {
        SelfCheckReport report = OneDnnSelfCheck.Run(Quick);
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report.ToString());
        string[] ops = report.Rows.Select(r => r.Op).ToArray();
        foreach (string op in new[] { "conv 7x7/2 3->64", "conv 1x1 64->64", "conv 3x3 64->64", "batchnorm train 64", "relu 64",
                     "max pool 2x2 128", "upsample nearest 2x 16", "conv 1x1 16->16", "mse loss", "PoseNet 1x16 training step" })
        {
            Assert.Contains(op, ops);
        }

        Assert.Contains(report.Rows, r => r.Op == "conv 3x3 8->8" && r.Input == "2x8x1x1"); // down to the hourglass bottom
        Assert.Contains("all ", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfCheck_WithToleranceZero_FlagsTheRoundedOpsButNotTheExactOnes()
    {
        SelfCheckReport report = OneDnnSelfCheck.Run(Quick with { Tolerance = 0, NetworkTolerance = 0 });

        Assert.False(report.Passed);
        Assert.All(report.Rows.Where(r => r.Op.StartsWith("conv", StringComparison.Ordinal)), r => Assert.False(r.Passed, r.ToString()));
        Assert.All(report.Rows.Where(r => r.Op.StartsWith("relu", StringComparison.Ordinal) || r.Op.StartsWith("max pool", StringComparison.Ordinal)),
            r => Assert.True(r.Passed, r.ToString()));
        Assert.Contains("FAILED", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfCheck_FlagsAWrongGradient_OnlyWhereInjected()
    {
        // A kernel bug in small: the 3x3 convolution's gradients off by 1% of their largest value.
        SelfCheckReport report = OneDnnSelfCheck.Run(Quick with
        {
            Perturb = (op, direction, value) => op == "conv 3x3 8->8" && direction == "backward" ? value + (0.01 * value.abs().max()) : value,
        });
        output.WriteLine(report.ToString());

        SelfCheckRow[] failures = report.Failures.ToArray();
        Assert.NotEmpty(failures);
        Assert.All(failures, r => Assert.Equal("conv 3x3 8->8", r.Op));
        Assert.All(failures, r => Assert.InRange(r.Backward, 0.005, 0.02));
        Assert.All(failures, r => Assert.True(r.Forward < 1e-5));
    }

    [Fact]
    public void SelfCheck_FlagsNaN()
    {
        SelfCheckReport report = OneDnnSelfCheck.Run(Quick with
        {
            Perturb = (op, direction, value) => op == "conv 7x7/2 3->64" && direction == "forward" ? value * float.NaN : value,
        });

        SelfCheckRow row = Assert.Single(report.Failures);
        Assert.Equal("conv 7x7/2 3->64", row.Op);
        Assert.Equal(double.PositiveInfinity, row.Forward);
    }

    [Fact]
    public void RelativeError_IsNormwise_AndInfiniteForNonFiniteValues()
    {
        using var scope = NewDisposeScope();
        Tensor reference = tensor(new double[] { 1, -4, 0.001 });
        Assert.Equal(0.25, OneDnnSelfCheck.RelativeError([tensor(new float[] { 2, -4, 0.001f })], [reference]), 6);
        Assert.Equal(double.PositiveInfinity, OneDnnSelfCheck.RelativeError([tensor(new float[] { 1, float.NaN, 0 })], [reference]));
        Assert.Equal(0, OneDnnSelfCheck.RelativeError([tensor(new float[] { 0 })], [tensor(new double[] { 0 })]));
    }
}

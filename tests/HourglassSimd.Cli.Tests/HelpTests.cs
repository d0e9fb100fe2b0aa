using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("infer", "--box")]
    [InlineData("eval", "--annotations")]
    [InlineData("bench", "--stacks")]
    [InlineData("demo-data", "--out")]
    public void Every_command_has_help_with_an_example(string command, string option)
    {
        var run = HourglassCli.Run(command, "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Example: hourglass {command} ", run.Output);
        Assert.Contains(option, run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Infer_help_says_where_the_output_goes_by_default()
    {
        var run = HourglassCli.Run("infer", "--help");
        Assert.Contains("<input>-poses", run.Output);
        Assert.Contains("Exit codes", run.Output);
    }
}

using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>Option values the parser rejects give one 'error:' line that names them (no help text), exit code 1.</summary>
public sealed class ParseErrorTests
{
    [Theory]
    [InlineData(new[] { "infer", "x.png", "--refinement", "dark" }, "--refinement 'dark' is not one of QuarterOffset, PrincetonVl, None, Taylor (see 'hourglass infer --help')")]
    [InlineData(new[] { "eval", "--annotations", "a.json", "--images", ".", "--progress", "sideways" }, "--progress 'sideways' is not one of Auto, Bar, Lines, None")]
    [InlineData(new[] { "eval", "--annotations", "a.json", "--images", ".", "--progress", "1" }, "--progress '1' is not one of")]
    [InlineData(new[] { "bench", "--convolution", "Fastest,DirectOnly" }, "--convolution 'Fastest,DirectOnly' is not one of Fastest, DirectOnly")]
    [InlineData(new[] { "bench", "--convolution", "3" }, "--convolution '3' is not one of Fastest, DirectOnly")]
    [InlineData(new[] { "bench", "--isa", "2" }, "--isa '2' is not one of Auto, Scalar")]
    [InlineData(new[] { "infer", "x.png", "--threads", "abc" }, "'abc' for option '--threads'")]
    [InlineData(new[] { "eval", "--images", "." }, "Option '--annotations' is required (see 'hourglass eval --help')")]
    [InlineData(new[] { "frobnicate" }, "'frobnicate' (see 'hourglass --help')")]
    public void A_rejected_value_fails_with_one_line(string[] arguments, string expected)
    {
        string error = HourglassCli.AssertFails(HourglassCli.Run(arguments), expected);
        Assert.DoesNotContain("Description:", error, StringComparison.Ordinal);
    }
}

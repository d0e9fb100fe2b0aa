namespace HourglassSimd.Tests.Network;

/// <summary>Options and environment variables that name an enum value take exactly one defined name.</summary>
public sealed class EnumNamesTests
{
    [Theory]
    [InlineData("DirectOnly", ConvolutionMode.DirectOnly)]
    [InlineData(" fastest ", ConvolutionMode.Fastest)]
    [InlineData("DIRECTONLY", ConvolutionMode.DirectOnly)]
    public void A_name_parses(string text, ConvolutionMode expected)
    {
        Assert.True(EnumNames.TryParse(text, out ConvolutionMode mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]                     // Enum.TryParse: DirectOnly
    [InlineData("-1")]
    [InlineData("Fastest,DirectOnly")]    // Enum.TryParse: 0 | 1 = DirectOnly
    [InlineData("Fastest, Fastest")]
    [InlineData("Direct")]
    public void Anything_but_one_name_is_refused(string? text) =>
        Assert.False(EnumNames.TryParse(text, out ConvolutionMode _));

    [Fact]
    public void The_list_names_every_value() =>
        Assert.Equal("Fastest, DirectOnly", EnumNames.List<ConvolutionMode>());
}

namespace HourglassSimd;

/// <summary>
/// The names of <see cref="ResidualBlock"/> values in files and on command lines (<c>bottleneck</c>,
/// <c>depthwise</c>), written once for the <c>.hgw</c> header, the training checkpoint and the CLIs.
/// </summary>
public static class ResidualBlockNames
{
    /// <summary>The accepted names, for usage and error texts.</summary>
    public const string Accepted = "bottleneck or depthwise";

    /// <summary>The name of <paramref name="block"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined block.</exception>
    public static string Name(ResidualBlock block) => block switch
    {
        ResidualBlock.Bottleneck => "bottleneck",
        ResidualBlock.Depthwise => "depthwise",
        _ => throw new ArgumentOutOfRangeException(nameof(block), block, null),
    };

    /// <summary>The block named <paramref name="name"/> (exact, lower case), or false.</summary>
    public static bool TryParse(string? name, out ResidualBlock block)
    {
        switch (name)
        {
            case "bottleneck": block = ResidualBlock.Bottleneck; return true;
            case "depthwise": block = ResidualBlock.Depthwise; return true;
            default: block = default; return false;
        }
    }
}

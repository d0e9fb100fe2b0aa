using System.CommandLine;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>--depth</c> and <c>--block</c>: the hourglass depth and residual block of a network with random weights
/// (bench, export-onnx), beside their <c>--stacks</c>, <c>--features</c> and <c>--joints</c>.
/// </summary>
internal sealed class ShapeOptions
{
    public Option<int> Depth { get; } = new("--depth")
    {
        Description = $"Max-pool levels in each hourglass, 1 to {HourglassArchitecture.MaxDepth} (random weights).",
        DefaultValueFactory = _ => HourglassArchitecture.DefaultDepth,
    };

    public Option<string> Block { get; } = new("--block")
    {
        Description = $"Residual block, {ResidualBlockNames.Accepted} (random weights).",
        DefaultValueFactory = _ => ResidualBlockNames.Name(ResidualBlock.Bottleneck),
    };

    public IEnumerable<Option> All => [Depth, Block];

    /// <summary>The architecture with the parsed depth and block; a one-line error for values out of range.</summary>
    public HourglassArchitecture Apply(HourglassArchitecture architecture, ParseResult result)
    {
        string name = result.GetValue(Block)!;
        if (!ResidualBlockNames.TryParse(name, out var block))
            throw new ArgumentException($"--block must be {ResidualBlockNames.Accepted}, not '{name}'.");
        int depth = result.GetValue(Depth);
        if (depth < 1 || depth > HourglassArchitecture.MaxDepth)
            throw new ArgumentException($"--depth must be from 1 to {HourglassArchitecture.MaxDepth}, not {depth}.");
        int multiple = HourglassArchitecture.SideMultiple(depth);
        if (architecture.InputHeight % multiple != 0 || architecture.InputWidth % multiple != 0)
            throw new ArgumentException($"--depth {depth} needs input sides that are multiples of {multiple}; the input is {architecture.InputHeight}x{architecture.InputWidth}.");
        return architecture with { Depth = depth, Block = block };
    }
}

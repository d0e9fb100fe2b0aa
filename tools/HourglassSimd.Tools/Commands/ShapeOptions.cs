using System.CommandLine;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>--depth</c>, <c>--block</c> and <c>--modules-per-level</c>: the hourglass depth, residual block and modules per box of a network with random weights
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

    public Option<int> ModulesPerLevel { get; } = new("--modules-per-level")
    {
        Description = $"Residual modules in each hourglass box, 1 to {HourglassArchitecture.MaxModulesPerLevel} (random weights).",
        DefaultValueFactory = _ => 1,
    };

    public IEnumerable<Option> All => [Depth, Block, ModulesPerLevel];

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
        int modules = result.GetValue(ModulesPerLevel);
        if (modules < 1 || modules > HourglassArchitecture.MaxModulesPerLevel)
            throw new ArgumentException($"--modules-per-level must be from 1 to {HourglassArchitecture.MaxModulesPerLevel}, not {modules}.");
        return architecture with { Depth = depth, Block = block, ModulesPerLevel = modules };
    }
}

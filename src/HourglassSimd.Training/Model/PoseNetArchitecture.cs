namespace HourglassSimd.Training;

/// <summary>
/// The configurable sizes of the PoseNet (spec §1.1): stacks S, features F (even), joints J, and the hourglass depth
/// (4 in the paper, 1 to 5 here) and the residual block type.
/// </summary>
/// <remarks>The stem residuals' width (128) is fixed by the spec; the stem convolution's 64 outputs shrink in a pruned network.</remarks>
public sealed record PoseNetArchitecture(int Stacks, int Features, int Joints)
{
    /// <summary>The paper's max-pool levels inside each hourglass (64 → 32 → 16 → 8 → 4 at a 256 input).</summary>
    public const int DefaultDepth = HourglassArchitecture.DefaultDepth;

    /// <summary>The network downsamples by 4 in the stem, then by 2^<see cref="DefaultDepth"/> inside an hourglass of the paper's depth.</summary>
    public const int InputSizeMultiple = 64;

    /// <summary>Max-pool levels inside each hourglass, 1 to <see cref="HourglassArchitecture.MaxDepth"/>.</summary>
    public int Depth { get; init; } = DefaultDepth;

    /// <summary>Input sides must be multiples of this at <see cref="Depth"/> (as <see cref="HourglassArchitecture.InputSideMultiple"/>).</summary>
    public int SideMultiple => HourglassArchitecture.SideMultiple(Depth);

    /// <summary>The residual module of every box (the paper's bottleneck by default).</summary>
    public ResidualBlock Block { get; init; } = ResidualBlock.Bottleneck;

    /// <summary>Inner widths of pruned residual modules by state-key prefix, or null (every module out/2), as <see cref="HourglassArchitecture.Widths"/>.</summary>
    public ResidualWidths? Widths { get; init; }

    /// <summary>Residual modules in each box of an hourglass (1 in the paper), as <see cref="HourglassArchitecture.ModulesPerLevel"/>.</summary>
    public int ModulesPerLevel { get; init; } = 1;

    /// <summary>Outputs of the 7x7 stem convolution (64 in the paper), as <see cref="HourglassArchitecture.StemChannels"/>.</summary>
    public int StemChannels { get; init; } = HourglassArchitecture.DefaultStemChannels;

    /// <summary>Output heatmap side for a given input side (stride 4).</summary>
    public static int OutputSize(int inputSize) => inputSize / 4;

    /// <summary>The trainer's options that build this network, e.g. <c>--stacks 2 --features 64 --joints 16 --depth 4 --block bottleneck</c> (pruned widths come from a checkpoint, not options).</summary>
    public string ToCommandLine() =>
        $"--stacks {Stacks} --features {Features} --joints {Joints} --depth {Depth} --block {ResidualBlockNames.Name(Block)}" +
        (ModulesPerLevel == 1 ? "" : $" --modules-per-level {ModulesPerLevel}");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on sizes the network cannot be built with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Stacks, 1, nameof(Stacks));
        ArgumentOutOfRangeException.ThrowIfLessThan(Features, 2, nameof(Features));
        ArgumentOutOfRangeException.ThrowIfLessThan(Joints, 1, nameof(Joints));
        ArgumentOutOfRangeException.ThrowIfLessThan(Depth, 1, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Depth, HourglassArchitecture.MaxDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfLessThan(StemChannels, 1, nameof(StemChannels));
        ArgumentOutOfRangeException.ThrowIfLessThan(ModulesPerLevel, 1, nameof(ModulesPerLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ModulesPerLevel, HourglassArchitecture.MaxModulesPerLevel, nameof(ModulesPerLevel));
        if (Features % 2 != 0)
        {
            // The residual bottleneck width is Features / 2.
            throw new ArgumentOutOfRangeException(nameof(Features), Features, "Features must be even.");
        }
    }
}

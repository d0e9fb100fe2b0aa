namespace HourglassSimd;

/// <summary>
/// The shape of a Stacked Hourglass network (hourglass-spec §1): number of stacks, feature width,
/// number of output heatmaps, input size and hourglass depth (4 in the paper). Each box holds one residual module.
/// </summary>
public sealed record HourglassArchitecture
{
    /// <summary>The paper's max-pool levels in each hourglass (64 → 4 at a 256 input).</summary>
    public const int DefaultDepth = 4;

    /// <summary>The most max-pool levels in an hourglass.</summary>
    public const int MaxDepth = 5;

    /// <summary>Output stride of the heatmaps relative to the input.</summary>
    public const int OutputStride = 4;

    /// <summary>The most stacks (the paper's network has 8).</summary>
    public const int MaxStacks = 64;

    /// <summary>The most feature channels (the paper's network has 256).</summary>
    public const int MaxFeatures = 4096;

    /// <summary>The most heatmaps per stack.</summary>
    public const int MaxJoints = 1024;

    /// <summary>
    /// The longest input side in pixels: at 2048x2048 one 256-channel activation at a quarter of the input is already
    /// 256 MiB, and larger sizes would overflow 32-bit buffer lengths.
    /// </summary>
    public const int MaxInputSide = 2048;

    /// <summary>Creates and validates an architecture (sizes and counts within the documented caps).</summary>
    public HourglassArchitecture(int stacks, int features = 256, int joints = 16, int inputHeight = 256, int inputWidth = 256)
    {
        if (stacks < 1 || stacks > MaxStacks)
            throw new ArgumentOutOfRangeException(nameof(stacks), stacks, $"stacks must be from 1 to {MaxStacks}.");
        if (features < 2 || features % 2 != 0 || features > MaxFeatures)
            throw new ArgumentOutOfRangeException(nameof(features), features, $"features must be a positive multiple of 2, at most {MaxFeatures}.");
        if (joints < 1 || joints > MaxJoints)
            throw new ArgumentOutOfRangeException(nameof(joints), joints, $"joints must be from 1 to {MaxJoints}.");
        if (!IsValidInputSide(inputHeight))
            throw new ArgumentOutOfRangeException(nameof(inputHeight), inputHeight, $"inputHeight must be a positive multiple of 64, at most {MaxInputSide}.");
        if (!IsValidInputSide(inputWidth))
            throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, $"inputWidth must be a positive multiple of 64, at most {MaxInputSide}.");
        Stacks = stacks;
        Features = features;
        Joints = joints;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
    }

    /// <summary>Number of stacked hourglasses (each produces a set of heatmaps).</summary>
    public int Stacks { get; }

    /// <summary>
    /// Max-pool levels in each hourglass, 1 to <see cref="MaxDepth"/>; default <see cref="DefaultDepth"/>, the paper's.
    /// A shallower hourglass has fewer residual modules and sees less context; depth 5 needs input sides that are
    /// multiples of 128.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Out of range, or the input size is not a multiple of <see cref="InputSideMultiple"/> at this depth.</exception>
    public int Depth
    {
        get => _depth;
        init
        {
            if (value < 1 || value > MaxDepth)
                throw new ArgumentOutOfRangeException(nameof(Depth), value, $"depth must be from 1 to {MaxDepth}.");
            int multiple = SideMultiple(value);
            if (InputHeight % multiple != 0 || InputWidth % multiple != 0)
                throw new ArgumentOutOfRangeException(nameof(Depth), value,
                    $"an hourglass of depth {value} needs input sides that are multiples of {multiple}; the input is {InputHeight}x{InputWidth}.");
            _depth = value;
        }
    }

    private readonly int _depth = DefaultDepth;

    /// <summary>The residual module of every box: the paper's <see cref="ResidualBlock.Bottleneck"/> (default) or <see cref="ResidualBlock.Depthwise"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="ResidualBlock"/>.</exception>
    public ResidualBlock Block
    {
        get => _block;
        init => _block = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Block), value, "block must be Bottleneck or Depthwise.");
    }

    private readonly ResidualBlock _block = ResidualBlock.Bottleneck;

    /// <summary>
    /// Inner widths of residual modules narrower (or wider) than the paper's out/2, by module prefix (a pruned network),
    /// or null: every module out/2. Empty maps read as null. Prefixes that name no module of this network are refused
    /// when the network is walked (<see cref="Topology.HourglassTopology.Walk{T}"/>).
    /// </summary>
    public ResidualWidths? Widths
    {
        get => _widths;
        init => _widths = value is { Count: > 0 } ? value : null;
    }

    private readonly ResidualWidths? _widths;

    /// <summary>The most residual modules in one box of an hourglass.</summary>
    public const int MaxModulesPerLevel = 4;

    /// <summary>
    /// Residual modules in each box of an hourglass (the upper branch, the branch after the pool, the bottom and the
    /// branch before the upsampling), one after another: 1 in the paper's released network (default), more for a
    /// deeper network of the same width (the original Torch code's <c>nModules</c>). With more than one, box
    /// <c>up1</c>'s modules are named <c>up1.0</c>, <c>up1.1</c>, ... as a PyTorch <c>Sequential</c> names them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not from 1 to <see cref="MaxModulesPerLevel"/>.</exception>
    public int ModulesPerLevel
    {
        get => _modulesPerLevel;
        init => _modulesPerLevel = value >= 1 && value <= MaxModulesPerLevel
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ModulesPerLevel), value, $"the residual modules per level must be from 1 to {MaxModulesPerLevel}.");
    }

    private readonly int _modulesPerLevel = 1;

    /// <summary>The paper's output channels of the 7x7 stem convolution.</summary>
    public const int DefaultStemChannels = 64;

    /// <summary>
    /// Output channels of the 7x7 stem convolution, <see cref="DefaultStemChannels"/> in the paper; fewer in a network
    /// whose stem was pruned. They feed only the first stem residual (its pre-activation and its shortcut projection),
    /// so they can shrink without touching the residual stream.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not from 1 to <see cref="MaxFeatures"/>.</exception>
    public int StemChannels
    {
        get => _stemChannels;
        init => _stemChannels = value >= 1 && value <= MaxFeatures
            ? value
            : throw new ArgumentOutOfRangeException(nameof(StemChannels), value, $"the stem channels must be from 1 to {MaxFeatures}.");
    }

    private readonly int _stemChannels = DefaultStemChannels;

    /// <summary>
    /// Input sides must be multiples of this: the stem's stride 4 times 2^<see cref="Depth"/>, and at least 64 (the
    /// engine's smallest supported side).
    /// </summary>
    public int InputSideMultiple => SideMultiple(Depth);

    /// <summary>The <see cref="InputSideMultiple"/> of a network of hourglass depth <paramref name="depth"/>.</summary>
    public static int SideMultiple(int depth) => Math.Max(64, OutputStride << depth);

    /// <summary>Whether this network can run at <paramref name="side"/> pixels: a positive multiple of <see cref="InputSideMultiple"/>, at most <see cref="MaxInputSide"/>.</summary>
    public bool AcceptsInputSide(int side) => IsValidInputSide(side) && side % InputSideMultiple == 0;

    /// <summary>Channels of the hourglass and residual outputs (256 in the paper).</summary>
    public int Features { get; }

    /// <summary>Number of output heatmaps (16 for MPII, 17 for COCO, 68 for face landmarks...).</summary>
    public int Joints { get; }

    /// <summary>Whether <paramref name="side"/> pixels can be an input side of some network: a positive multiple of 64, at most <see cref="MaxInputSide"/> (depth 5 also needs multiples of 128: <see cref="AcceptsInputSide"/>).</summary>
    public static bool IsValidInputSide(int side) => side >= 64 && side % 64 == 0 && side <= MaxInputSide;

    /// <summary>
    /// The same network at another input size. The network is fully convolutional, so one set of weights runs at
    /// any size whose sides are multiples of 64.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not a positive multiple of <see cref="InputSideMultiple"/> up to <see cref="MaxInputSide"/>.</exception>
    public HourglassArchitecture WithInputSize(int inputHeight, int inputWidth) =>
        inputHeight == InputHeight && inputWidth == InputWidth ? this : new(Stacks, Features, Joints, inputHeight, inputWidth) { Depth = Depth, Block = Block, Widths = Widths, StemChannels = StemChannels, ModulesPerLevel = ModulesPerLevel };

    /// <summary>Input image height in pixels (multiple of 64): the model's default input size.</summary>
    public int InputHeight { get; }

    /// <summary>Input image width in pixels (multiple of 64): the model's default input size.</summary>
    public int InputWidth { get; }

    /// <summary>Input channels (RGB).</summary>
    public int InputChannels => 3;

    /// <summary>Heatmap height (input height / 4).</summary>
    public int OutputHeight => InputHeight / OutputStride;

    /// <summary>Heatmap width (input width / 4).</summary>
    public int OutputWidth => InputWidth / OutputStride;

    /// <summary>Floats in one input image: 3 × H × W.</summary>
    public int InputSizePerImage => InputChannels * InputHeight * InputWidth;

    /// <summary>Floats of heatmaps per image: stacks × joints × H/4 × W/4.</summary>
    public int OutputSizePerImage => Stacks * Joints * OutputHeight * OutputWidth;

    /// <summary>
    /// Learned parameters (conv weights and biases, batch-norm γ and β; not the running statistics), as counted
    /// in hourglass-spec §1.6.
    /// </summary>
    public long ParameterCount => WeightLayout.Enumerate(this).Where(t => t.IsLearned).Sum(t => t.ElementCount);

    /// <summary>
    /// Convolution multiply-accumulates per image at this input size, as a direct convolution counts them
    /// (hourglass-spec §1.6: 5.150 G, 8.335 G and 27.440 G for 1, 2 and 8 stacks at 256x256 and 16 joints).
    /// </summary>
    public long MacCount
    {
        get
        {
            var counter = new Topology.MacCounter(this);
            Topology.HourglassTopology.Walk(this, counter);
            return counter.Total;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Stacks} stack(s), {Features} features, {Joints} joints, input {InputHeight}x{InputWidth}" +
        (Depth == DefaultDepth ? "" : $", depth {Depth}") + (ModulesPerLevel == 1 ? "" : $", {ModulesPerLevel} modules per level") + (Block == ResidualBlock.Bottleneck ? "" : ", depthwise blocks") +
        (Widths is null ? "" : $", {Widths.Count} narrowed residual(s)") +
        (StemChannels == DefaultStemChannels ? "" : $", {StemChannels} stem channels");
}

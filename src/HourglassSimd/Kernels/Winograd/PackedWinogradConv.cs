using HourglassSimd.Tensors;

namespace HourglassSimd.Kernels;

/// <summary>
/// A 3x3 stride-1 pad-1 convolution prepared for <see cref="Winograd43"/>: the 36 transformed weight matrices
/// packed once, and the three phases of one image as numbered work items.
/// </summary>
internal sealed unsafe class PackedWinogradConv
{
    private readonly AlignedBuffer _weights;
    private readonly AlignedBuffer _bias;
    private readonly AlignedBuffer _zeroBias;

    /// <summary>Bytes of the packed weights and bias one image reads.</summary>
    public long Bytes => (_weights.Length + _bias.Length) * sizeof(float);

    public PackedWinogradConv(ConvParameters conv, bool relu)
    {
        if (conv.KernelSize != 3 || conv.Stride != 1 || conv.Pad != 1)
            throw new ArgumentException("Winograd F(4x4, 3x3) here serves 3x3 stride-1 pad-1 convolutions only.");
        Conv = conv.ShapeOnly();
        Relu = relu;
        OutChannelsPadded = (conv.OutChannels + 15) / 16 * 16;
        InGroups = (conv.InChannels + 15) / 16;
        float[] u = Winograd43.TransformWeights(conv, OutChannelsPadded);
        _weights = new AlignedBuffer(u.Length);
        u.CopyTo(_weights.Span);
        _bias = new AlignedBuffer(OutChannelsPadded);
        conv.Bias.CopyTo(_bias.Span);
        _zeroBias = new AlignedBuffer(OutChannelsPadded);
    }

    /// <summary>The convolution's shape (its weights live only in transformed form).</summary>
    public ConvParameters Conv { get; }

    public bool Relu { get; }

    public int OutChannelsPadded { get; }

    public int InGroups { get; }

    /// <summary>Whether a map of this size splits into whole 4x4 tiles.</summary>
    public static bool Fits(int height, int width) => height % Winograd43.TileSize == 0 && width % Winograd43.TileSize == 0;

    /// <summary>Floats of scratch one image needs: V then M, for the whole map, or for every block where it runs in blocks.</summary>
    public nint ScratchFloats(int height, int width)
    {
        int tilesY = height / 4, tilesX = width / 4;
        return RunsInBlocks(tilesY) ? tilesY * ScratchFloatsFor(tilesX) : ScratchFloatsFor(tilesY * tilesX);
    }

    /// <summary>Floats of V then M for <paramref name="tiles"/> tiles.</summary>
    private nint ScratchFloatsFor(int tiles) => Winograd43.Positions * TileGroupStride(tiles) * (InGroups + OutChannelsPadded / 16);

    /// <summary>Pointers and sizes of one image's run.</summary>
    public readonly struct Binding
    {
        public required float* Input { get; init; }          // padded origin (row −1, column −1)
        public required nint InGroupStride { get; init; }
        public required nint InRowStride { get; init; }
        public required float* Output { get; init; }         // interior origin
        public required nint OutGroupStride { get; init; }
        public required nint OutRowStride { get; init; }
        public required int TilesY { get; init; }
        public required int TilesX { get; init; }
        public required float* V { get; init; }
        public required float* M { get; init; }
        public int Tiles => TilesY * TilesX;
    }

    public Binding Bind(float* input, ActivationLayout inLayout, float* output, ActivationLayout outLayout, float* scratch)
    {
        if (inLayout.Pack != 16 || inLayout.Halo < 1 || outLayout.Pack != 16 || !Fits(outLayout.Height, outLayout.Width))
            throw new ArgumentException("Winograd needs 16c input with a halo of at least 1 and a 16c output of whole 4x4 tiles.");
        int tilesY = outLayout.Height / 4, tilesX = outLayout.Width / 4;
        int skip = inLayout.Halo - 1;
        return new Binding
        {
            Input = input + skip * inLayout.RowStride + skip * 16,
            InGroupStride = inLayout.GroupStride,
            InRowStride = inLayout.RowStride,
            Output = output + outLayout.Origin,
            OutGroupStride = outLayout.GroupStride,
            OutRowStride = outLayout.RowStride,
            TilesY = tilesY,
            TilesX = tilesX,
            V = scratch,
            M = scratch + Winograd43.Positions * TileGroupStride(tilesY * tilesX) * InGroups,
        };
    }

    public const int PhaseCount = 3;

    /// <summary>Work items of phase 0 (input transform), 1 (36 products) or 2 (output transform).</summary>
    public int ItemCount<TV>(in Binding b, int phase) where TV : struct => phase switch
    {
        0 => InGroups * b.TilesY,
        1 => Winograd43.Positions * DirectConv.ItemCount<TV>(ProductArgs(b, 0)),
        _ => OutChannelsPadded / 16 * b.TilesY,
    };

    public void RunItem<TV>(in Binding b, int phase, int item) where TV : unmanaged
    {
        switch (phase)
        {
            case 0:
                Winograd43.InputTransformItem<TV>(b.Input, b.InGroupStride, b.InRowStride, InGroups, b.TilesX, b.V, InPositionStride(b),
                    TileGroupStride(b.Tiles), item);
                break;
            case 1:
                var first = ProductArgs(b, 0);
                int perPosition = DirectConv.ItemCount<TV>(first);
                int position = item / perPosition;
                DirectConv.RunItem<TV>(ProductArgs(b, position), item - position * perPosition);
                break;
            default:
                Winograd43.OutputTransformItem<TV>(b.M, OutPositionStride(b), TileGroupStride(b.Tiles), OutChannelsPadded / 16, b.TilesX, _bias.Pointer, b.Output,
                    b.OutGroupStride, b.OutRowStride, Relu, item);
                break;
        }
    }

    /// <summary>The widest layer (input or output channels) that <see cref="RunsInBlocks"/> considers.</summary>
    public const int BlockedMaximumChannels = 64;

    /// <summary>The fewest tile rows that <see cref="RunsInBlocks"/> considers: enough blocks to share among threads.</summary>
    public const int BlockedMinimumTileRows = 16;

    /// <summary>
    /// Whether one image runs block by block (<see cref="RunBlock{TV}"/>: all three phases for one row of tiles, on one
    /// thread) instead of phase by phase over the whole map. A block's transformed tiles stay in that core's L2
    /// instead of crossing L3 twice, but every block reads all 36 transformed weight matrices: this pays only where
    /// they are small (64 channels: 576 KiB) and the map is large. Measured on the 2-stack network (its 64-channel
    /// layers at 128x128 and 64x64), 1 to 1.7% off a pass; with 128 channels (2.25 MiB of weights) it was no faster.
    /// </summary>
    public bool RunsInBlocks(int tilesY) =>
        Math.Max(Conv.InChannels, Conv.OutChannels) <= BlockedMaximumChannels && tilesY >= BlockedMinimumTileRows;

    /// <summary>
    /// All three phases for tile row <paramref name="block"/> of <see cref="Binding.TilesY"/>, on the calling thread, in
    /// that block's own part of the scratch (see <see cref="RunsInBlocks"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer does not run in blocks at this size: its scratch has no room for them.</exception>
    public void RunBlock<TV>(in Binding b, int block) where TV : unmanaged
    {
        if (!RunsInBlocks(b.TilesY))
            throw new InvalidOperationException("This Winograd layer runs phase by phase at this size; its scratch is sized for that.");
        float* v = b.V + block * ScratchFloatsFor(b.TilesX);
        var row = new Binding
        {
            Input = b.Input + 4 * block * b.InRowStride,
            InGroupStride = b.InGroupStride,
            InRowStride = b.InRowStride,
            Output = b.Output + 4 * block * b.OutRowStride,
            OutGroupStride = b.OutGroupStride,
            OutRowStride = b.OutRowStride,
            TilesY = 1,
            TilesX = b.TilesX,
            V = v,
            M = v + Winograd43.Positions * TileGroupStride(b.TilesX) * InGroups,
        };
        Run<TV>(row);
    }

    /// <summary>Runs all phases on the calling thread (tests).</summary>
    public void Run<TV>(in Binding b) where TV : unmanaged
    {
        for (int phase = 0; phase < PhaseCount; phase++)
            for (int i = 0, n = ItemCount<TV>(b, phase); i < n; i++)
                RunItem<TV>(b, phase, i);
    }

    /// <summary>V and M hold [ξν][group][tile][16] with the groups skewed by one cache line, as activations are.</summary>
    private static nint TileGroupStride(int tiles) => (nint)tiles * 16 + ActivationLayout.GroupSkew;

    private nint InPositionStride(in Binding b) => TileGroupStride(b.Tiles) * InGroups;

    private nint OutPositionStride(in Binding b) => TileGroupStride(b.Tiles) * (OutChannelsPadded / 16);

    /// <summary>M[ξν] = V[ξν] · U[ξν] as a 1x1 convolution over the tiles (each tile one "pixel").</summary>
    private ConvArgs ProductArgs(in Binding b, int position) => new()
    {
        Input = b.V + position * InPositionStride(b),
        InChannels = Conv.InChannels,
        InPack = 16,
        InGroupStride = TileGroupStride(b.Tiles),
        InRowStride = 0,
        Output = b.M + position * OutPositionStride(b),
        OutGroupStride = TileGroupStride(b.Tiles),
        OutRowStride = 0,
        OutHeight = 1,
        OutWidth = b.Tiles,
        OutChannelsPadded = OutChannelsPadded,
        Residual = null,
        Weights = _weights.Pointer + (nint)position * Conv.InChannels * OutChannelsPadded,
        Bias = _zeroBias.Pointer,
        KernelHeight = 1,
        KernelWidth = 1,
        Stride = 1,
        PrologueScale = null,
        PrologueShift = null,
        Relu = false,
    };
}

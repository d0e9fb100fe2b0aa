using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels;

/// <summary>
/// Direct (im2col-free) convolution on NCHW16c outputs, for any kernel size and stride: the 7x7 stride-2 stem,
/// the 3x3 and the 1x1 convolutions all run through it.
/// </summary>
/// <remarks>
/// Work is cut into items of (output-channel group of up to <see cref="TileVectors"/> vectors) × (one output row
/// segment), so the caller can spread items over threads. Each item walks its segment in tiles of 6 pixels × 4 vectors
/// (24 accumulators: 64 channels with Vector512, 32 with Vector256; 6 × 2 on CPUs with 16 vector registers), then one
/// narrower tile for the remainder. Groups of only one or two vectors (narrow layers) walk it in tiles of 12 pixels
/// first (<see cref="WideTile{TV, TB}"/>).
/// Every accumulator sums over all input channels and taps before it is stored once (no partial sums in memory).
/// </remarks>
internal static unsafe partial class DirectConv
{
    public const int TilePixels = 6;

    /// <summary>
    /// Output vectors per tile: 4 where the JIT has 32 vector registers (AVX-512's EVEX encoding, which it also uses
    /// for Vector256 and Vector128; ARM64's NEON), 2 where it has 16 (AVX2 and older x64). 6 × 4 accumulators + 4
    /// weights + 1 broadcast fill 29 of 32; with 16 the JIT spilled accumulators in the inner loop, and 6 × 2 (15)
    /// is what fits.
    /// </summary>
    public static readonly int TileVectors = VectorRegisters >= 32 ? 4 : 2;

    /// <summary>Vector registers the JIT can allocate on this machine.</summary>
    public static int VectorRegisters => Avx512F.IsSupported || AdvSimd.Arm64.IsSupported ? 32 : 16;

    /// <summary>Output pixels of a <see cref="WideTile{TV, TB}"/>.</summary>
    public const int WidePixels = 12;

    /// <summary>
    /// The most output vectors a tile may have for its segment to run in wide tiles: 2 where the JIT has 32 vector
    /// registers (12 x 2 accumulators fit), 1 where it has 16.
    /// </summary>
    public static readonly int WideTileVectors = VectorRegisters >= 32 ? 2 : 1;

    /// <summary>Whether narrow tiles (at most <see cref="WideTileVectors"/> vectors) run as wide tiles; a switch for
    /// A/B measurements and the tests that compare both forms (they give the same bits).</summary>
    internal static bool UseWideTiles = true;

    /// <summary>Row segments are at most this many pixels, so even a flattened 1x1 map splits into enough items.</summary>
    private const int MaxSegment = 96;

    /// <summary>How <see cref="RunItem{TV}"/> numbers work for these arguments.</summary>
    public static int ItemCount<TV>(in ConvArgs a) where TV : struct =>
        (SharesPrologue<TV>(a) ? 1 : ChannelGroups<TV>(a)) * a.OutHeight * Segments(a.OutWidth);

    /// <summary>Whether prologue layers share each tile's transformed input among their output-channel groups
    /// (<see cref="SharesPrologue{TV}"/>); a switch for A/B measurements and the test that compares both forms (they
    /// give the same bits). Read when a layer binds its arguments (<see cref="ConvArgs.MaySharePrologue"/>), so
    /// flipping it never affects a layer already running.</summary>
    internal static bool UseSharedPrologue = true;

    /// <summary>
    /// Whether an item covers every output-channel group of its row segment, so that the BN+ReLU prologue transforms
    /// each input pixel once instead of once per group: layers with a prologue and at least two groups, all full.
    /// </summary>
    private static bool SharesPrologue<TV>(in ConvArgs a) where TV : struct
    {
        int vectors = a.OutChannelsPadded / Vec.Count<TV>();
        return a.MaySharePrologue && a.PrologueScale != null && vectors > TileVectors && vectors % TileVectors == 0;
    }

    /// <summary>Runs all items on the calling thread (tests and single-threaded callers).</summary>
    public static void Run<TV>(in ConvArgs a) where TV : struct
    {
        int n = ItemCount<TV>(a);
        for (int i = 0; i < n; i++)
            RunItem<TV>(a, i);
    }

    /// <summary>Computes work item <paramref name="item"/> of <see cref="ItemCount{TV}"/>.</summary>
    public static void RunItem<TV>(in ConvArgs a, int item) where TV : struct
    {
        // Output-channel groups vary fastest: consecutive items share their input pixels (kept in L2) and
        // cycle through all groups' weights (a layer's weights fit L2 too), instead of streaming the whole input
        // from L3 once per group.
        bool shared = SharesPrologue<TV>(a);
        int groups = shared ? 1 : ChannelGroups<TV>(a);
        int spatial = item / groups;
        int group = item - spatial * groups;
        int segments = Segments(a.OutWidth);
        int row = spatial / segments;
        int segment = spatial - row * segments;
        int segmentLength = SegmentLength(a.OutWidth);
        int x0 = segment * segmentLength;
        int x1 = Math.Min(a.OutWidth, x0 + segmentLength);

        if (shared)
        {
            if (TileVectors == 4)
                RunSharedSegment<TV, Four>(a, row, x0, x1);
            else
                RunSharedSegment<TV, Two>(a, row, x0, x1);
            return;
        }
        int vectors = Math.Min(TileVectors, a.OutChannelsPadded / Vec.Count<TV>() - group * TileVectors);
        switch (vectors)
        {
            case 4: RunSegment<TV, Four>(a, group, row, x0, x1); break;
            case 3: RunSegment<TV, Three>(a, group, row, x0, x1); break;
            case 2: RunSegment<TV, Two>(a, group, row, x0, x1); break;
            default: RunSegment<TV, One>(a, group, row, x0, x1); break;
        }
    }

    private static int ChannelGroups<TV>(in ConvArgs a) where TV : struct
    {
        int vectors = a.OutChannelsPadded / Vec.Count<TV>();
        return (vectors + TileVectors - 1) / TileVectors;
    }

    private static int Segments(int width) => (width + MaxSegment - 1) / MaxSegment;

    private static int SegmentLength(int width)
    {
        int segments = Segments(width);
        int length = (width + segments - 1) / segments;
        // Keep segments whole tiles where possible so only the row end takes the 1-pixel path.
        return segments == 1 ? length : (length + TilePixels - 1) / TilePixels * TilePixels;
    }

    private static void RunSegment<TV, TB>(in ConvArgs a, int group, int row, int x0, int x1)
        where TV : struct where TB : struct, IVectorCount
    {
        int count = Vec.Count<TV>();
        int ocBase = group * TileVectors * count;

        // Output pointers of the tile's vectors at pixel 0 of the row; with Vector256 two vectors share a 16c block.
        float* outRow = a.Output + row * a.OutRowStride;
        float* o0 = OutVector(a, outRow, ocBase);
        float* o1 = TB.N > 1 ? OutVector(a, outRow, ocBase + count) : o0;
        float* o2 = TB.N > 2 ? OutVector(a, outRow, ocBase + 2 * count) : o0;
        float* o3 = TB.N > 3 ? OutVector(a, outRow, ocBase + 3 * count) : o0;
        var tile = MakeTileArgs(a, ocBase);

        float* inRow = a.Input + (nint)row * a.Stride * a.InRowStride;
        bool prologue = a.PrologueScale != null;
        int groups = (a.InChannels + 15) / 16;
        float* scratch = null;
        if (prologue)
        {
            float* buffer = stackalloc float[groups * 16 * WidePixels];
            scratch = buffer;
            // The transformed pixels are read from scratch laid out as [group][pixel][16], room for a wide tile per group.
            tile.GroupStride = 16 * WidePixels;
            tile.PixelStep = 16;
        }

        int x = x0;
        if (TB.N <= WideTileVectors && UseWideTiles)
        {
            for (; x + WidePixels <= x1; x += WidePixels)
                WideTile<TV, TB>(tile, TileInput<TV>(a, inRow, x, WidePixels, scratch), o0 + x * 16, o1 + x * 16);
        }
        for (; x < x1; x += TilePixels)
        {
            int pixels = Math.Min(TilePixels, x1 - x);
            nint px = (nint)x * 16;
            RunTile<TV, TB>(tile, TileInput<TV>(a, inRow, x, pixels, scratch), pixels, o0 + px, o1 + px, o2 + px, o3 + px);
        }
    }

    /// <summary>
    /// One row segment for every output-channel group (<see cref="SharesPrologue{TV}"/>): each tile's input pixels
    /// are transformed once, then every group's tile reads them from scratch. Each output is summed exactly as in
    /// <see cref="RunSegment{TV, TB}"/>, so the bits are the same.
    /// </summary>
    private static void RunSharedSegment<TV, TB>(in ConvArgs a, int row, int x0, int x1)
        where TV : struct where TB : struct, IVectorCount
    {
        int count = Vec.Count<TV>();
        int groups = ChannelGroups<TV>(a);
        int inGroups = (a.InChannels + 15) / 16;
        float* scratch = stackalloc float[inGroups * 16 * WidePixels];
        TileArgs* tiles = stackalloc TileArgs[groups];
        float** outs = stackalloc float*[groups * 4];
        float* outRow = a.Output + row * a.OutRowStride;
        for (int g = 0; g < groups; g++)
        {
            int ocBase = g * TileVectors * count;
            tiles[g] = MakeTileArgs(a, ocBase);
            tiles[g].GroupStride = 16 * WidePixels;
            tiles[g].PixelStep = 16;
            for (int v = 0; v < 4; v++)
                outs[g * 4 + v] = OutVector(a, outRow, ocBase + Math.Min(v, TB.N - 1) * count);
        }

        float* inRow = a.Input + (nint)row * a.InRowStride;
        for (int x = x0; x < x1; x += TilePixels)
        {
            int pixels = Math.Min(TilePixels, x1 - x);
            float* input = ApplyPrologue<TV>(a, inRow + (nint)x * a.InPack, pixels, scratch);
            nint px = (nint)x * 16;
            for (int g = 0; g < groups; g++)
            {
                float** o = outs + g * 4;
                RunTile<TV, TB>(tiles[g], input, pixels, o[0] + px, o[1] + px, o[2] + px, o[3] + px);
            }
        }
    }

    /// <summary>One tile of <paramref name="pixels"/> (1 to 6) output pixels, each count its own instantiation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunTile<TV, TB>(in TileArgs tile, float* input, int pixels, float* o0, float* o1, float* o2, float* o3)
        where TV : struct where TB : struct, IVectorCount
    {
        switch (pixels)
        {
            case 6: Tile<TV, Six, TB>(tile, input, o0, o1, o2, o3); break;
            case 5: Tile<TV, Five, TB>(tile, input, o0, o1, o2, o3); break;
            case 4: Tile<TV, Four, TB>(tile, input, o0, o1, o2, o3); break;
            case 3: Tile<TV, Three, TB>(tile, input, o0, o1, o2, o3); break;
            case 2: Tile<TV, Two, TB>(tile, input, o0, o1, o2, o3); break;
            default: Tile<TV, One, TB>(tile, input, o0, o1, o2, o3); break;
        }
    }

    private static TileArgs MakeTileArgs(in ConvArgs a, int ocBase) => new()
    {
        GroupStride = a.InGroupStride,
        RowStride = a.InRowStride,
        PixelStep = (nint)a.Stride * a.InPack,
        InPack = a.InPack,
        InChannels = a.InChannels,
        KernelHeight = a.KernelHeight,
        KernelWidth = a.KernelWidth,
        Weights = a.Weights + WeightBlocks.GroupOffset(ocBase, a.KernelHeight * a.KernelWidth * a.InChannels),
        WeightRowStride = WeightBlocks.Width(ocBase, a.OutChannelsPadded),
        Bias = a.Bias + ocBase,
        HasResidual = a.Residual != null,
        ResidualDelta = a.Residual == null ? 0 : (nint)(a.Residual - a.Output),
        Relu = a.Relu,
        PrefetchNext = a.KernelHeight == 1 && a.KernelWidth == 1 && a.InPack == 16 && a.Stride == 1 && a.PrologueScale == null,
    };

    /// <summary>Where a tile at output pixel <paramref name="x"/> reads its input: the row itself, or the prologue's
    /// transformed copy of its <paramref name="pixels"/> pixels in <paramref name="scratch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* TileInput<TV>(in ConvArgs a, float* inRow, int x, int pixels, float* scratch) where TV : struct
    {
        float* input = inRow + (nint)x * a.Stride * a.InPack;
        return scratch == null ? input : ApplyPrologue<TV>(a, input, pixels, scratch);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* OutVector(in ConvArgs a, float* outRow, int channel) =>
        outRow + (channel >> 4) * a.OutGroupStride + (channel & 15);

    /// <summary>
    /// Writes <c>max(x·scale + shift, 0)</c> of <paramref name="pixels"/> consecutive input pixels (pack 16,
    /// stride 1) into <paramref name="scratch"/> as [group][pixel][16]. Costs about 2 vector ops per 16 channels
    /// and pixel against 64 FMAs that consume them.
    /// </summary>
    private static float* ApplyPrologue<TV>(in ConvArgs a, float* input, int pixels, float* scratch) where TV : struct
    {
        int count = Vec.Count<TV>();
        int groups = (a.InChannels + 15) / 16;
        for (int g = 0; g < groups; g++)
        {
            float* src = input + g * a.InGroupStride;
            float* dst = scratch + g * 16 * WidePixels;
            if (Sse.IsSupported)
            {
                // The next tile's lines of this group (see TileArgs.PrefetchNext).
                for (int line = 0; line < pixels; line++)
                    Sse.Prefetch0(src + (pixels + line) * 16);
            }
            for (int lane = 0; lane < 16; lane += count)
            {
                TV scale = Vec.Load<TV>(a.PrologueScale + g * 16 + lane);
                TV shift = Vec.Load<TV>(a.PrologueShift + g * 16 + lane);
                for (int p = 0; p < pixels; p++)
                    Vec.Store(dst + p * 16 + lane, Vec.ScaleShiftRelu(Vec.Load<TV>(src + p * 16 + lane), scale, shift));
            }
        }
        return scratch;
    }

    /// <summary>What the micro-kernels need, gathered once per row segment.</summary>
    private struct TileArgs
    {
        public nint GroupStride;
        public nint RowStride;
        public nint PixelStep;
        public int InPack;
        public int InChannels;
        public int KernelHeight;
        public int KernelWidth;
        public float* Weights;
        public nint WeightRowStride;
        public float* Bias;
        public bool HasResidual;
        public nint ResidualDelta;
        public bool Relu;

        /// <summary>
        /// Prefetch the next tile's input while computing this one (1x1 stride 1 over 16-channel-packed input). A 1x1
        /// tile reads one line from each of up to 16 channel groups a whole map apart, more streams than the
        /// hardware prefetchers follow; a 3x3 tile re-reads its lines for 9 taps and needs no help.
        /// </summary>
        public bool PrefetchNext;
    }

    /// <summary>Bias, residual, activation and store of one accumulator.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TV>(in TileArgs t, float* o, TV acc, TV bias) where TV : struct
    {
        acc = Vec.Add(acc, bias);
        if (t.HasResidual)
            acc = Vec.Add(acc, Vec.Load<TV>(o + t.ResidualDelta));
        if (t.Relu)
            acc = Vec.Max(acc, Vec.Zero<TV>());
        Vec.Store(o, acc);
    }
}

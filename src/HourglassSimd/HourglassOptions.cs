using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd;

/// <summary>Execution options of a <see cref="HourglassNetwork"/>. Fixed when the network is created.</summary>
public sealed record HourglassOptions
{
    /// <summary>Environment variable that forces a kernel path, e.g. <c>HOURGLASS_ISA=Vector256</c> (tests, bug reports).</summary>
    public const string IsaEnvironmentVariable = "HOURGLASS_ISA";

    /// <summary>
    /// Threads that work on one forward pass: the calling thread plus <c>MaxDegreeOfParallelism - 1</c>
    /// dedicated workers. Default: <see cref="Environment.ProcessorCount"/>; at most
    /// <see cref="MaxThreadsPerProcessor"/> × <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Kernel path; <see cref="KernelIsa.Auto"/> picks the widest accelerated one (or the environment variable's).</summary>
    public KernelIsa Isa { get; init; } = KernelIsa.Auto;

    /// <summary>Convolution algorithms allowed (SIMD paths only; the scalar path is always direct).</summary>
    public ConvolutionMode Convolution { get; init; } = ConvolutionMode.Fastest;

    /// <summary>
    /// In <see cref="ConvolutionMode.Fastest"/>, the smallest map side (pixels) at which a 3x3 layer runs by Winograd
    /// F(4x4, 3x3); smaller maps have too few tiles to repay the transforms. Default 16.
    /// </summary>
    public int WinogradMinimumSize { get; init; } = 16;

    /// <summary>
    /// In <see cref="ConvolutionMode.Fastest"/>, the fewest input and output channels at which a 3x3 layer runs by
    /// Winograd; narrower layers (pruned or small networks) spend more on the transforms, which grow with the channels,
    /// than they save on the multiplies, which grow with their product. Default 48: measured on the 2-core development
    /// machine, the direct convolution was about twice as fast at 8 to 24 channels, as fast at 32, and Winograd won at 64.
    /// </summary>
    public int WinogradMinimumChannels { get; init; } = 48;

    /// <summary>
    /// Input sizes, besides the model's own, whose plans a network keeps (each holds its layer list and, per
    /// concurrent caller, an activation arena). A run at a new size builds its plan first; past this number the
    /// least recently used size's plan is dropped. Default 4.
    /// </summary>
    public int MaxCachedInputSizes { get; init; } = 4;

    /// <summary>A quantized network's int8 path, forced (tests); null: <see cref="Kernels.Int8.Int8KernelPaths.Resolve"/> decides.</summary>
    internal Kernels.Int8.Int8KernelPath? Int8Path { get; init; }

    /// <summary>A quantized network's int16 path, forced (tests); null: <see cref="Kernels.Int16.Int16KernelPaths.Resolve"/> decides.</summary>
    internal Kernels.Int16.Int16KernelPath? Int16Path { get; init; }

    /// <summary>The default options.</summary>
    public static HourglassOptions Default { get; } = new();

    /// <summary>
    /// The most threads per run, per processor: more only adds dedicated threads that wait for each other (a request
    /// for 10,000 threads once made a run crawl).
    /// </summary>
    public const int MaxThreadsPerProcessor = 4;

    internal int ResolveThreadCount()
    {
        if (MaxDegreeOfParallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1.");
        int most = MaxThreadsPerProcessor * Environment.ProcessorCount;
        if (MaxDegreeOfParallelism > most)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism,
                $"MaxDegreeOfParallelism {MaxDegreeOfParallelism} is more than {MaxThreadsPerProcessor} threads per processor ({most} on this machine with {Environment.ProcessorCount} processors).");
        return MaxDegreeOfParallelism;
    }

    internal void Validate()
    {
        ResolveThreadCount();
        if (!Enum.IsDefined(Isa))
            throw new ArgumentOutOfRangeException(nameof(Isa), Isa, "Isa must be Auto, Scalar, Vector128, Vector256 or Vector512.");
        if (!Enum.IsDefined(Convolution))
            throw new ArgumentOutOfRangeException(nameof(Convolution), Convolution, "Convolution must be Fastest or DirectOnly.");
        if (WinogradMinimumSize < 4)
            throw new ArgumentOutOfRangeException(nameof(WinogradMinimumSize), WinogradMinimumSize, "WinogradMinimumSize must be at least 4 (one tile).");
        if (WinogradMinimumChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(WinogradMinimumChannels), WinogradMinimumChannels, "WinogradMinimumChannels must be at least 1.");
        if (MaxCachedInputSizes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxCachedInputSizes), MaxCachedInputSizes, "MaxCachedInputSizes must be at least 1.");
    }

    /// <summary>Resolves <see cref="Isa"/> to a concrete path, checking that a forced path can run here.</summary>
    internal KernelIsa ResolveIsa() => ResolveIsa(Isa, Environment.GetEnvironmentVariable(IsaEnvironmentVariable));

    /// <summary><see cref="ResolveIsa()"/> with the environment variable's value given (tests).</summary>
    internal static KernelIsa ResolveIsa(KernelIsa isa, string? forced)
    {
        if (isa == KernelIsa.Auto)
        {
            if (!string.IsNullOrWhiteSpace(forced))
            {
                if (!EnumNames.TryParse(forced, out isa))
                    throw new InvalidOperationException($"{IsaEnvironmentVariable}='{forced}' is not one of Auto, Scalar, Vector128, Vector256, Vector512.");
            }
        }
        return isa == KernelIsa.Auto ? BestAvailable() : isa;
    }

    /// <summary>The widest kernel path that is hardware accelerated on this CPU.</summary>
    public static KernelIsa BestAvailable()
    {
        if (IsAccelerated(KernelIsa.Vector512))
            return KernelIsa.Vector512;
        if (IsAccelerated(KernelIsa.Vector256))
            return KernelIsa.Vector256;
        if (IsAccelerated(KernelIsa.Vector128))
            return KernelIsa.Vector128;
        return KernelIsa.Scalar;
    }

    /// <summary>
    /// Whether <paramref name="isa"/> runs in hardware here, fused multiply-add included: without it the vector APIs
    /// compute a fused multiply-add in software, lane by lane, slower than the scalar path. (Any path runs anywhere.)
    /// </summary>
    public static bool IsAccelerated(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar => true,
        KernelIsa.Vector512 => Vector512.IsHardwareAccelerated,
        KernelIsa.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        KernelIsa.Vector128 => Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported),
        _ => false,
    };
}

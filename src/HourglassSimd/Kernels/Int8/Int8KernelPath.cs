using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels.Int8;

/// <summary>
/// The instruction sequence a quantized plan's convolutions run on. With 7-bit weights (what the quantizer writes)
/// every path computes the same exact int32 sums, so a quantized model gives bitwise the same heatmaps on each.
/// </summary>
internal enum Int8KernelPath
{
    /// <summary>Plain loops over the packed weights (<see cref="Int8DirectConv.RunItemScalar"/>): any CPU.</summary>
    Scalar,

    /// <summary><c>vpmaddubsw</c> + <c>vpmaddwd</c> at 256 bits (AVX2).</summary>
    Pair256,

    /// <summary>The same pair at 512 bits (AVX512BW).</summary>
    Pair512,

    /// <summary><c>vpdpbusd</c> at 256 bits (AVX-VNNI): measured level with <see cref="Pair512"/> and it takes any s8 weight.</summary>
    Vnni256,
}

/// <summary>Chooses the <see cref="Int8KernelPath"/> for a network's kernel path.</summary>
internal static class Int8KernelPaths
{
    /// <summary>Environment variable that forces a path (tests, bug reports), e.g. <c>HOURGLASS_INT8=Pair256</c>.</summary>
    public const string EnvironmentVariable = "HOURGLASS_INT8";

    /// <summary>
    /// The scalar network path runs the scalar int8 path; the others the best this CPU has (VNNI, then the 512-bit pair,
    /// then the 256-bit pair), unless the environment variable names one.
    /// </summary>
    public static Int8KernelPath Resolve(KernelIsa isa)
    {
        if (isa == KernelIsa.Scalar)
            return Int8KernelPath.Scalar;
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(forced))
        {
            if (!EnumNames.TryParse(forced, out Int8KernelPath path))
                throw new InvalidOperationException($"{EnvironmentVariable}='{forced}' is not one of {EnumNames.List<Int8KernelPath>()}.");
            return IsSupported(path) ? path : throw new PlatformNotSupportedException($"{EnvironmentVariable}={path}: this CPU cannot run that path.");
        }
        return Best();
    }

    public static Int8KernelPath Best() =>
        IsSupported(Int8KernelPath.Vnni256) ? Int8KernelPath.Vnni256
        : IsSupported(Int8KernelPath.Pair512) ? Int8KernelPath.Pair512
        : IsSupported(Int8KernelPath.Pair256) ? Int8KernelPath.Pair256
        : Int8KernelPath.Scalar;

    public static bool IsSupported(Int8KernelPath path) => path switch
    {
        Int8KernelPath.Scalar => true,
        Int8KernelPath.Pair256 => Avx2.IsSupported,
        Int8KernelPath.Pair512 => Avx512BW.IsSupported,
        Int8KernelPath.Vnni256 => AvxVnni.IsSupported,
        _ => false,
    };

    /// <summary>Runs one item of a convolution on <paramref name="path"/>.</summary>
    public static void RunItem(Int8KernelPath path, in Int8ConvArgs args, int item)
    {
        switch (path)
        {
            case Int8KernelPath.Vnni256: Int8DirectConv.RunItem<VnniDotProduct256>(args, item); break;
            case Int8KernelPath.Pair512: Int8DirectConv.RunItem512(args, item); break;
            case Int8KernelPath.Pair256: Int8DirectConv.RunItem<PairDotProduct256>(args, item); break;
            default: Int8DirectConv.RunItemScalar(args, item); break;
        }
    }
}

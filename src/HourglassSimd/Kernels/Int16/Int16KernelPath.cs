using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Kernels.Int16;

/// <summary>
/// The instruction sequence an int16 convolution runs on. Within the bounds of <see cref="Int16DirectConv"/> every path
/// computes the same exact int32 sums and the same requantization, so each gives bitwise the same outputs.
/// </summary>
internal enum Int16KernelPath
{
    /// <summary>Plain loops over the packed weights (<see cref="Int16DirectConv.RunItemScalar"/>): any CPU.</summary>
    Scalar,

    /// <summary><c>vpmaddwd</c> + <c>vpaddd</c> at 256 bits (AVX2).</summary>
    Pair256,

    /// <summary>The same pair at 512 bits (AVX512BW), 16 output channels per vector.</summary>
    Pair512,

    /// <summary><c>vpdpwssd</c> at 256 bits (AVX-VNNI).</summary>
    Vnni256,
}

/// <summary>Chooses the <see cref="Int16KernelPath"/> for a network's kernel path.</summary>
internal static class Int16KernelPaths
{
    /// <summary>Environment variable that forces a path (tests, bug reports), e.g. <c>HOURGLASS_INT16=Pair256</c>.</summary>
    public const string EnvironmentVariable = "HOURGLASS_INT16";

    /// <summary>
    /// The scalar network path runs the scalar int16 path; the others the best this CPU has, unless the environment
    /// variable names one.
    /// </summary>
    public static Int16KernelPath Resolve(KernelIsa isa)
    {
        if (isa == KernelIsa.Scalar)
            return Int16KernelPath.Scalar;
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(forced))
        {
            if (!EnumNames.TryParse(forced, out Int16KernelPath path))
                throw new InvalidOperationException($"{EnvironmentVariable}='{forced}' is not one of {EnumNames.List<Int16KernelPath>()}.");
            return IsSupported(path) ? path : throw new PlatformNotSupportedException($"{EnvironmentVariable}={path}: this CPU cannot run that path.");
        }
        return Best();
    }

    /// <summary>
    /// The 512-bit pair, then VNNI, then the 256-bit pair. Not measured yet: the 512-bit pair does twice the channels
    /// per instruction pair of <c>vpdpwssd</c>'s one, so it goes first until a benchmark says otherwise.
    /// </summary>
    public static Int16KernelPath Best() =>
        IsSupported(Int16KernelPath.Pair512) ? Int16KernelPath.Pair512
        : IsSupported(Int16KernelPath.Vnni256) ? Int16KernelPath.Vnni256
        : IsSupported(Int16KernelPath.Pair256) ? Int16KernelPath.Pair256
        : Int16KernelPath.Scalar;

    public static bool IsSupported(Int16KernelPath path) => path switch
    {
        Int16KernelPath.Scalar => true,
        Int16KernelPath.Pair256 => Avx2.IsSupported,
        Int16KernelPath.Pair512 => Avx512BW.IsSupported,
        Int16KernelPath.Vnni256 => AvxVnni.IsSupported,
        _ => false,
    };

    /// <summary>Runs one item of a convolution on <paramref name="path"/>.</summary>
    public static void RunItem(Int16KernelPath path, in Int16ConvArgs args, int item)
    {
        switch (path)
        {
            case Int16KernelPath.Vnni256: Int16DirectConv.RunItem<Int16VnniDotProduct256>(args, item); break;
            case Int16KernelPath.Pair512: Int16DirectConv.RunItem512(args, item); break;
            case Int16KernelPath.Pair256: Int16DirectConv.RunItem<Int16PairDotProduct256>(args, item); break;
            default: Int16DirectConv.RunItemScalar(args, item); break;
        }
    }
}

using System.Runtime.InteropServices;
using TorchSharp;

namespace HourglassSimd.Training;

/// <summary>
/// Turns off libtorch's oneDNN (mkldnn) convolutions in this process, and NNPACK with them, so that libtorch runs its
/// own CPU kernels (im2col and matrix products).
/// </summary>
/// <remarks>
/// <para>
/// Why: libtorch's CPU build sends float32 convolutions to oneDNN, which works on channels in blocks of 8 (AVX2) or 16
/// (AVX-512). In a 3x3 convolution whose channel count is not a multiple of the block, it reads padding that nobody
/// wrote: whatever the allocator's memory held before. Finite leftovers meet zero weights and vanish, but a NaN or an
/// infinity among them gives 0 × NaN, and the input gradient (sometimes the output) turns NaN at random, depending on
/// what the memory held before. A pruned network has such widths everywhere; so do small test networks (docs/training.md,
/// "NaN from oneDNN's channel padding").
/// </para>
/// <para>
/// How: <c>at::Context::setUserEnabledMkldnn(false)</c>, the switch behind PyTorch's <c>torch.backends.mkldnn.enabled</c>,
/// which TorchSharp does not expose; it is called through its exported C++ symbol in libtorch_cpu. Where that symbol
/// is missing (another libtorch build), oneDNN stays on and <see cref="Description"/> says so.
/// <c>HOURGLASS_LIBTORCH_ONEDNN=on</c> keeps oneDNN on, to compare speed or to reproduce the defect.
/// </para>
/// </remarks>
public sealed record LibTorchOneDnn
{
    /// <summary><c>on</c> keeps libtorch's oneDNN convolutions; anything else, or nothing, turns them off.</summary>
    public const string OptionVariable = "HOURGLASS_LIBTORCH_ONEDNN";

    // Itanium C++ ABI names (Linux, macOS), then MSVC names (Windows), of at::globalContext() and
    // at::Context::setUserEnabledMkldnn(bool) / userEnabledMkldnn() const.
    private static readonly string[] GlobalContextNames = ["_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ"];
    private static readonly string[] SetEnabledNames = ["_ZN2at7Context20setUserEnabledMkldnnEb", "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z"];
    private static readonly string[] GetEnabledNames = ["_ZNK2at7Context17userEnabledMkldnnEv", "?userEnabledMkldnn@Context@at@@QEBA_NXZ"];

    // at::Context::setUserEnabledNNPACK(bool): without oneDNN, libtorch tries NNPACK next, and where NNPACK cannot start
    // ("Unsupported hardware") it logs a warning at every convolution, thousands a second.
    private static readonly string[] SetNnpackNames = ["_ZN2at7Context20setUserEnabledNNPACKEb", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"];

    private static readonly Lock Gate = new();
    private static LibTorchOneDnn? applied;

    private LibTorchOneDnn(bool enabled, string description)
    {
        Enabled = enabled;
        Description = description;
    }

    /// <summary>Whether libtorch's oneDNN convolutions are on after <see cref="Apply"/>.</summary>
    public bool Enabled { get; }

    /// <summary>One phrase for logs, e.g. <c>libtorch oneDNN convolutions off (HOURGLASS_LIBTORCH_ONEDNN=on keeps them)</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// Decides once per process (the first call wins) and, unless <see cref="OptionVariable"/> is <c>on</c> or
    /// <paramref name="keepOn"/> is true, turns oneDNN convolutions off. Cheap after the first call; every libtorch
    /// network of this project (<see cref="PoseNet"/>, the self-check) calls it before its first convolution.
    /// </summary>
    /// <param name="keepOn">Keep libtorch as it ships, e.g. to time it against other engines on aligned widths.</param>
    public static LibTorchOneDnn Apply(bool keepOn = false)
    {
        lock (Gate)
        {
            return applied ??= Decide(keepOn);
        }
    }

    private static LibTorchOneDnn Decide(bool keepOn)
    {
        if (keepOn)
        {
            return new LibTorchOneDnn(true, "libtorch oneDNN convolutions on (as libtorch ships)");
        }

        if (string.Equals(NativeEnvironment.Get(OptionVariable)?.Trim(), "on", StringComparison.OrdinalIgnoreCase))
        {
            return new LibTorchOneDnn(true, $"libtorch oneDNN convolutions on ({OptionVariable}=on)");
        }

        torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch through TorchSharp first, from where TorchSharp finds it
        if (!NativeLibrary.TryLoad("torch_cpu", typeof(torch).Assembly, null, out IntPtr library)
            || TryExport(library, GlobalContextNames) is not { } globalContext
            || TryExport(library, SetEnabledNames) is not { } setEnabled
            || TryExport(library, GetEnabledNames) is not { } getEnabled)
        {
            return new LibTorchOneDnn(true, "libtorch oneDNN convolutions on (this libtorch does not export the switch; " +
                "channel counts that are not multiples of 16 may give NaN at random)");
        }

        unsafe
        {
            IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
            ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
            if (TryExport(library, SetNnpackNames) is { } setNnpack)
            {
                ((delegate* unmanaged<IntPtr, byte, void>)setNnpack)(context, 0);
            }

            bool stillOn = ((delegate* unmanaged<IntPtr, byte>)getEnabled)(context) != 0;
            return stillOn
                ? new LibTorchOneDnn(true, "libtorch oneDNN convolutions on (turning them off did not take)")
                : new LibTorchOneDnn(false, $"libtorch oneDNN convolutions off ({OptionVariable}=on keeps them)");
        }
    }

    private static IntPtr? TryExport(IntPtr library, string[] names)
    {
        foreach (string name in names)
        {
            if (NativeLibrary.TryGetExport(library, name, out IntPtr address))
            {
                return address;
            }
        }

        return null;
    }
}

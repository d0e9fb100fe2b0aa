using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Training;

/// <summary>
/// Caps oneDNN (the convolution library inside libtorch's CPU build) at AVX2 on AVX-512 CPUs, unless the user chose an ISA.
/// </summary>
/// <remarks>
/// <para>
/// Why: on a 2-core AMD Zen 5 CPU the training loss became NaN within two steps, and <c>DNNL_MAX_CPU_ISA=AVX2</c> made
/// it go away. The cause, found later: oneDNN pads channels to its block, 16 on AVX-512 and 8 on AVX2, and reads padding
/// nobody wrote, so the 8-channel layers of a 16-feature network met NaN left in freed memory (docs/training.md, "NaN
/// from oneDNN's channel padding"). The trainer now turns libtorch's oneDNN convolutions off (<see cref="LibTorchOneDnn"/>);
/// the cap only matters where a user keeps them on with <c>HOURGLASS_LIBTORCH_ONEDNN=on</c>.
/// </para>
/// <para>
/// How: oneDNN reads <c>ONEDNN_MAX_CPU_ISA</c> (then <c>DNNL_MAX_CPU_ISA</c>) from the native environment once, at its
/// first ISA query, i.e. at the first convolution. <see cref="Apply"/> must therefore run before any torch operation:
/// a module initializer of this assembly calls it, and so does the console entry point. Setting the variable after
/// oneDNN has started has no effect.
/// </para>
/// <para>
/// Choices, first match wins: the user's own <c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> (left alone);
/// <c>HOURGLASS_ONEDNN_ISA=native</c> (no cap, oneDNN's own choice); <c>HOURGLASS_ONEDNN_ISA=&lt;ISA&gt;</c> (that cap,
/// e.g. AVX512_CORE); otherwise AVX2 when the CPU has AVX-512F, and no cap when it has not.
/// </para>
/// </remarks>
public sealed record OneDnnIsaCap
{
    /// <summary>The opt-out: <c>native</c> keeps oneDNN's own choice, any other value is passed on as the cap.</summary>
    public const string OptionVariable = "HOURGLASS_ONEDNN_ISA";

    /// <summary>oneDNN's variable (read first).</summary>
    public const string OneDnnVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>oneDNN's older name for the same variable (read when <see cref="OneDnnVariable"/> is not set).</summary>
    public const string DnnlVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>The cap applied on AVX-512 CPUs by default.</summary>
    public const string DefaultCap = "AVX2";

    /// <summary>The value of <see cref="OptionVariable"/> that keeps oneDNN's own choice.</summary>
    public const string Native = "native";

    private static readonly Lock Gate = new();
    private static OneDnnIsaCap? applied;

    private OneDnnIsaCap(string? isa, string reason, bool setHere, string? error = null)
    {
        Isa = isa;
        Reason = reason;
        SetHere = setHere;
        Error = error;
    }

    /// <summary>The oneDNN ISA cap in force, or null when oneDNN picks the best ISA of the CPU itself.</summary>
    public string? Isa { get; }

    /// <summary>Why, in a few words.</summary>
    public string Reason { get; }

    /// <summary>True when <see cref="Apply"/> set the variables (rather than the user).</summary>
    public bool SetHere { get; }

    /// <summary>A bad <see cref="OptionVariable"/> value; <see cref="Isa"/> is then null and nothing was set.</summary>
    public string? Error { get; }

    /// <summary>The decision made by <see cref="Apply"/> in this process (applying it first if needed).</summary>
    public static OneDnnIsaCap Current => Apply();

    /// <summary>One phrase for logs: <c>oneDNN ISA cap AVX2 (AVX-512 CPU; HOURGLASS_ONEDNN_ISA=native to lift)</c>.</summary>
    public string Description => Isa is null ? $"oneDNN ISA not capped ({Reason})" : $"oneDNN ISA cap {Isa} ({Reason})";

    /// <summary>Decides once per process and, where needed, sets both oneDNN variables in the native environment.</summary>
    public static OneDnnIsaCap Apply()
    {
        lock (Gate)
        {
            if (applied is not null)
            {
                return applied;
            }

            bool x64Avx512 = RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx512F.IsSupported;
            OneDnnIsaCap decision = Decide(
                NativeEnvironment.Get(OptionVariable), NativeEnvironment.Get(OneDnnVariable), NativeEnvironment.Get(DnnlVariable), x64Avx512);
            if (decision.SetHere)
            {
                NativeEnvironment.Set(OneDnnVariable, decision.Isa!);
                NativeEnvironment.Set(DnnlVariable, decision.Isa!);
            }

            applied = decision;
            return decision;
        }
    }

    /// <summary>Throws a one-line usage <see cref="TrainingException"/> when <see cref="OptionVariable"/> was unusable.</summary>
    public void ThrowIfInvalid()
    {
        if (Error is not null)
        {
            throw new TrainingException(Error, isUsageError: true);
        }
    }

    /// <summary>The pure decision, from the three variables' values and whether this is an x64 CPU with AVX-512F.</summary>
    internal static OneDnnIsaCap Decide(string? option, string? oneDnn, string? dnnl, bool x64Avx512)
    {
        if (!string.IsNullOrEmpty(oneDnn))
        {
            return new OneDnnIsaCap(oneDnn, $"{OneDnnVariable} set by the user", setHere: false);
        }

        if (!string.IsNullOrEmpty(dnnl))
        {
            return new OneDnnIsaCap(dnnl, $"{DnnlVariable} set by the user", setHere: false);
        }

        string choice = option?.Trim() ?? "";
        if (choice.Equals(Native, StringComparison.OrdinalIgnoreCase))
        {
            return new OneDnnIsaCap(null, $"{OptionVariable}=native: oneDNN's own choice", setHere: false);
        }

        if (choice.Length > 0)
        {
            if (!choice.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                string error = $"{OptionVariable} must be 'native' or a oneDNN ISA name such as AVX2 or AVX512_CORE, got '{option}'";
                return new OneDnnIsaCap(null, "invalid " + OptionVariable, setHere: false, error);
            }

            return new OneDnnIsaCap(choice.ToUpperInvariant(), $"{OptionVariable}={choice}", setHere: true);
        }

        return x64Avx512
            ? new OneDnnIsaCap(DefaultCap, $"AVX-512 CPU, default of this trainer; {OptionVariable}=native lifts it", setHere: true)
            : new OneDnnIsaCap(null, "no AVX-512 on this CPU: oneDNN's own choice", setHere: false);
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace HourglassSimd.Training.Tests;

public sealed class OneDnnIsaCapTests
{
    [Fact]
    public void Decide_OnAvx512_CapsAtAvx2_AndSetsTheVariables()
    {
        OneDnnIsaCap cap = OneDnnIsaCap.Decide(null, null, null, x64Avx512: true);
        Assert.Equal("AVX2", cap.Isa);
        Assert.True(cap.SetHere);
        Assert.Contains("HOURGLASS_ONEDNN_ISA=native", cap.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithoutAvx512_LeavesOneDnnAlone()
    {
        OneDnnIsaCap cap = OneDnnIsaCap.Decide(null, null, null, x64Avx512: false);
        Assert.Null(cap.Isa);
        Assert.False(cap.SetHere);
    }

    [Theory]
    [InlineData("native", null, null, null, false)]
    [InlineData("NATIVE", null, null, null, false)]
    [InlineData("avx512_core", null, null, "AVX512_CORE", true)]
    [InlineData("native", "AVX512_CORE_BF16", null, "AVX512_CORE_BF16", false)] // the user's own variable wins
    [InlineData(null, null, "AVX512_CORE", "AVX512_CORE", false)]
    [InlineData("AVX2", "SSE41", "AVX512_CORE", "SSE41", false)] // oneDNN reads ONEDNN_ before DNNL_
    public void Decide_UserChoices(string? option, string? oneDnn, string? dnnl, string? isa, bool setHere)
    {
        OneDnnIsaCap cap = OneDnnIsaCap.Decide(option, oneDnn, dnnl, x64Avx512: true);
        Assert.Equal(isa, cap.Isa);
        Assert.Equal(setHere, cap.SetHere);
        Assert.Null(cap.Error);
    }

    [Fact]
    public void Decide_BadOptionValue_IsAOneLineUsageError()
    {
        OneDnnIsaCap cap = OneDnnIsaCap.Decide("avx2; rm", null, null, x64Avx512: true);
        Assert.Null(cap.Isa);
        var e = Assert.Throws<TrainingException>(cap.ThrowIfInvalid);
        Assert.True(e.IsUsageError);
        Assert.Contains("HOURGLASS_ONEDNN_ISA must be 'native' or a oneDNN ISA name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Current_MatchesTheCpu_AndIsInTheNativeEnvironment()
    {
        OneDnnIsaCap cap = OneDnnIsaCap.Current;
        bool avx512 = RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx512F.IsSupported;
        string? user = Environment.GetEnvironmentVariable(OneDnnIsaCap.OneDnnVariable) ?? Environment.GetEnvironmentVariable(OneDnnIsaCap.DnnlVariable);
        if (user is null && Environment.GetEnvironmentVariable(OneDnnIsaCap.OptionVariable) is null)
        {
            Assert.Equal(avx512 ? "AVX2" : null, cap.Isa);
        }

        // What libtorch's getenv sees (on Linux not what Environment.GetEnvironmentVariable sees).
        Assert.Equal(cap.Isa, NativeEnvironment.Get(OneDnnIsaCap.OneDnnVariable));
    }
}

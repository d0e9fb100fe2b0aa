using HourglassSimd.Interop.Npy;
using Xunit.Abstractions;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// The in-process pass over the model and checkpoint formats: <see cref="FuzzCampaign.MutantsPerFormat"/> mutants each,
/// read as the CLI reads them; the only outcomes allowed are success and the reader's typed exceptions.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ModelFormatFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Hgw_mutants_load_or_fail_with_ModelFileException() =>
        FuzzCampaign.Run(".hgw", FuzzCampaign.MutantsPerFormat, FormatMutants.Hgw, FuzzTargets.LoadModel,
            e => e is ModelFileException or WeightsMismatchException, output);

    [Fact]
    public void TorchSharp_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run(".dat", FuzzCampaign.MutantsPerFormat, FormatMutants.TorchSharp, bytes => FuzzTargets.Convert(bytes, "mutant.dat"),
            FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void TorchZip_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run(".pt", FuzzCampaign.MutantsPerFormat, FormatMutants.TorchZip, bytes => FuzzTargets.Convert(bytes, "mutant.pt"),
            FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void Safetensors_mutants_convert_or_fail_with_checkpoint_exceptions() =>
        FuzzCampaign.Run("safetensors", FuzzCampaign.MutantsPerFormat, FormatMutants.Safetensors,
            bytes => FuzzTargets.Convert(bytes, "mutant.safetensors"), FuzzTargets.IsCheckpointError, output);

    [Fact]
    public void Npy_mutants_read_or_fail_with_NpyFormatException() =>
        FuzzCampaign.Run(".npy", FuzzCampaign.MutantsPerFormat, FormatMutants.Npy, FuzzTargets.ReadNpy, e => e is NpyFormatException, output);
}

using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

public sealed class WeightFoldingTests
{
    private static readonly HourglassArchitecture Arch = new(2, 12, 3, 64, 64);

    [Fact]
    public void Folded_weights_give_the_same_network()
    {
        var raw = HourglassWeights.CreateRandom(Arch, 9);
        var folded = raw.Fold(Arch);
        Assert.True(folded.IsFolded);
        Assert.DoesNotContain(folded.Tensors.Keys, k => k.Contains("running_"));
        Assert.Contains("hgs.1.0.low2.low2.up1.bn1.scale", folded.Tensors.Keys);
        Assert.DoesNotContain("hgs.1.0.low2.low2.up1.bn2.weight", folded.Tensors.Keys);

        float[] input = TestArrays.Uniform(new Random(1), Arch.InputSizePerImage, 0, 1);
        using var fromRaw = HourglassNetwork.Create(Arch, raw);
        using var fromFolded = HourglassNetwork.Create(Arch, folded);
        Assert.Equal(fromRaw.Run(input), fromFolded.Run(input));
    }

    [Fact]
    public void Folded_scale_and_shift_apply_the_batch_norm()
    {
        var raw = HourglassWeights.CreateRandom(Arch, 9);
        var folded = raw.Fold(Arch);
        string bn = "features.0.0.bn1";
        float x = 0.7f;
        double expected = raw.Tensors[bn + ".weight"].Data[4] * (x - raw.Tensors[bn + ".running_mean"].Data[4])
            / Math.Sqrt(raw.Tensors[bn + ".running_var"].Data[4] + 1e-5) + raw.Tensors[bn + ".bias"].Data[4];
        Assert.Equal(expected, x * folded.Tensors[bn + ".scale"].Data[4] + folded.Tensors[bn + ".shift"].Data[4], 5);
    }

    [Fact]
    public void Folded_weights_are_validated_in_their_own_form()
    {
        var folded = HourglassWeights.CreateRandom(Arch, 9).Fold(Arch);
        var broken = new HourglassWeights(folded.Tensors.Values.Where(t => t.Name != "pre.4.bn1.shift"), folded: true);
        var e = Assert.Throws<WeightsMismatchException>(() => HourglassNetwork.Create(Arch, broken));
        Assert.Equal(["missing tensor 'pre.4.bn1.shift' (expected shape [128])"], e.Problems);
    }
}

using HourglassSimd.TestSupport;
using HourglassSimd.Topology;
using Xunit.Abstractions;

namespace HourglassSimd.Tests.Network;

/// <summary>Hourglass boxes of more than one residual module (<see cref="HourglassArchitecture.ModulesPerLevel"/>).</summary>
public sealed class ModulesPerLevelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 4, 2)]
    [InlineData(2, 3, 3)]
    [InlineData(4, 1, 2)]
    public void Each_box_holds_the_modules_asked_for_and_the_counts_follow(int modules, int depth, int stacks)
    {
        var one = new HourglassArchitecture(stacks, 32, 16, 64, 64) { Depth = depth };
        var arch = one with { ModulesPerLevel = modules };
        var residuals = HourglassTopology.ResidualModules(arch);
        // Per stack: 3 boxes per level plus the bottom one, each of n modules, and the feature residual; the stem has 3.
        Assert.Equal(3 + stacks * (modules * (3 * depth + 1) + 1), residuals.Count);
        Assert.Equal(modules == 1, residuals.Any(r => r.Prefix == "hgs.0.0.up1"));
        Assert.Equal(modules > 1, residuals.Any(r => r.Prefix == "hgs.0.0.up1.1"));
        Assert.Equal(residuals.Count, residuals.Select(r => r.Prefix).Distinct().Count());

        // Each extra module is one F→F residual more per box: parameters grow by exactly that.
        long module = 32L * 16 + 16 + 9 * 16 * 16 + 16 + 16 * 32 + 32 + 2 * 32 + 2 * 16 + 2 * 16;
        Assert.Equal(stacks * (modules - 1) * (3 * depth + 1) * module, arch.ParameterCount - one.ParameterCount);
        Assert.True(modules == 1 ? arch.MacCount == one.MacCount : arch.MacCount > one.MacCount);
        if (modules == 1)
            Assert.DoesNotContain("modules per level", arch.ToString(), StringComparison.Ordinal);
        else
            Assert.Contains($", {modules} modules per level", arch.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KernelIsa.Vector512, ResidualBlock.Bottleneck)]
    [InlineData(KernelIsa.Vector256, ResidualBlock.Depthwise)]
    [InlineData(KernelIsa.Scalar, ResidualBlock.Bottleneck)]
    public void Networks_of_two_modules_per_level_match_the_reference(KernelIsa isa, ResidualBlock block) =>
        NetworkParityTests.CheckParity(new HourglassArchitecture(2, 32, 16, 64, 64) { Depth = 3, Block = block, ModulesPerLevel = 2 }, isa, batch: 1, output);

    [Fact]
    public void The_model_file_keeps_the_count_and_leaves_it_out_at_one()
    {
        var arch = new HourglassArchitecture(1, 16, 16, 64, 64) { Depth = 2, ModulesPerLevel = 3 };
        byte[] bytes = Saved(arch);
        Assert.Equal(3, ModelFileBytes.Header(bytes)["modulesPerLevel"]!.GetValue<int>());
        Assert.Equal(arch, HourglassModelFile.Load(new MemoryStream(bytes)).Architecture);
        Assert.False(ModelFileBytes.Header(Saved(arch with { ModulesPerLevel = 1 })).ContainsKey("modulesPerLevel"));
        byte[] tooMany = ModelFileBytes.Rewrite(bytes, header => header["modulesPerLevel"] = 9);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(tooMany)));
        output.WriteLine(e.Message);
        Assert.Contains("modules per level", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => arch with { ModulesPerLevel = 0 });
    }

    private static byte[] Saved(HourglassArchitecture arch)
    {
        using var stream = new MemoryStream();
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 3)).Save(stream);
        return stream.ToArray();
    }
}

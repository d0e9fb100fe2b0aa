using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>Every size and count has a documented cap, checked before anything is allocated; no number wraps.</summary>
public sealed class SizeCapTests
{
    [Theory]
    [InlineData(HourglassArchitecture.MaxStacks + 1, 16, 16, 64, 64, "stacks")]
    [InlineData(1, HourglassArchitecture.MaxFeatures + 2, 16, 64, 64, "features")]
    [InlineData(1, 16, HourglassArchitecture.MaxJoints + 1, 64, 64, "joints")]
    [InlineData(1, 16, 16, HourglassArchitecture.MaxInputSide + 64, 64, "inputHeight")]
    [InlineData(1, 16, 16, 64, 65536, "inputWidth")]
    public void Architectures_past_a_cap_are_refused_by_name(int stacks, int features, int joints, int height, int width, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HourglassArchitecture(stacks, features, joints, height, width));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void The_caps_themselves_are_accepted() =>
        Assert.Equal(HourglassArchitecture.MaxInputSide, new HourglassArchitecture(HourglassArchitecture.MaxStacks, HourglassArchitecture.MaxFeatures,
            HourglassArchitecture.MaxJoints, HourglassArchitecture.MaxInputSide, HourglassArchitecture.MaxInputSide).InputHeight);

    [Fact]
    public void Run_refuses_sides_past_the_cap()
    {
        using var net = HourglassNetwork.CreateRandom(new HourglassArchitecture(1, 8, 4, 64, 64), 1);
        var e = Assert.ThrowsAny<ArgumentException>(() => net.Run(new float[3 * 64 * 64], 64, HourglassArchitecture.MaxInputSide + 64));
        Assert.Contains($"64x{HourglassArchitecture.MaxInputSide + 64}", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Checksum-valid headers with huge or wrapping numbers: 2^32 + 64 once loaded as 64, 100,000 stacks took 50 s and
    /// 5.4 GB, 65536-pixel inputs overflowed. Each is now a ModelFileException at once.
    /// </summary>
    [Theory]
    [InlineData("inputHeight", 4294967360L)]
    [InlineData("joints", 4294967297L)]
    [InlineData("stacks", 100000L)]
    [InlineData("stacks", 2147483647L)]
    [InlineData("inputHeight", 65536L)]
    [InlineData("inputWidth", 4096L)]
    public void Model_file_headers_past_a_cap_are_refused_before_allocating(string field, long value)
    {
        var arch = new HourglassArchitecture(1, 8, 4, 64, 64);
        using var buffer = new MemoryStream();
        new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 1)).Save(buffer);
        byte[] edited = ModelFileBytes.Rewrite(buffer.ToArray(), header => header[field] = value);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}

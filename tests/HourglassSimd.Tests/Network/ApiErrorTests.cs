using FsCheck.Xunit;

namespace HourglassSimd.Tests.Network;

/// <summary>Bad buffers, bad inputs and bad weights give clear, typed errors.</summary>
public sealed class ApiErrorTests : IDisposable
{
    private static readonly HourglassArchitecture Arch = new(2, 8, 4, 64, 64);
    private readonly HourglassNetwork _net = HourglassNetwork.CreateRandom(Arch, seed: 3);

    public void Dispose() => _net.Dispose();

    [Fact]
    public void Input_of_wrong_size_names_the_expected_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => _net.Run(new float[Arch.InputSizePerImage + 1]));
        Assert.Equal("inputNchw", e.ParamName);
        Assert.Contains("N × 3 × 64 × 64", e.Message);
        Assert.Contains(Arch.InputSizePerImage.ToString(), e.Message);
        Assert.Throws<ArgumentException>(() => _net.Run(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Output_of_wrong_size_names_each_dimension()
    {
        var input = new float[2 * Arch.InputSizePerImage];
        var e = Assert.Throws<ArgumentException>(() => _net.Run(input, new float[Arch.OutputSizePerImage]));
        Assert.Equal("heatmaps", e.ParamName);
        Assert.Contains("2 × 2 × 4 × 16 × 16", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_input_is_rejected_with_its_position(float bad)
    {
        var input = new float[2 * Arch.InputSizePerImage];
        input[Arch.InputSizePerImage + 64 * 64 + 3 * 64 + 5] = bad;
        var e = Assert.Throws<ArgumentException>(() => _net.Run(input));
        Assert.Contains("image 1, channel 1, row 3, column 5", e.Message);
    }

    /// <summary>Wherever non-finite values sit (vector body or tail), the first one is reported.</summary>
    [Property(MaxTest = 50)]
    public void The_first_non_finite_input_is_reported(ushort first, ushort gap, byte kind)
    {
        var input = new float[2 * Arch.InputSizePerImage];
        int at = first % input.Length;
        float bad = (kind % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
        input[at] = bad;
        if (at + 1 + gap < input.Length)
            input[at + 1 + gap] = float.NaN; // a later one is not the one reported
        var e = Assert.Throws<ArgumentException>(() => _net.Run(input));
        int plane = 64 * 64;
        string position = $"image {at / (3 * plane)}, channel {at % (3 * plane) / plane}, row {at % plane / 64}, column {at % 64}";
        Assert.Contains($"input holds {bad} at {position};", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_tensors_are_all_listed()
    {
        var good = HourglassWeights.CreateRandom(Arch, 1);
        var tensors = good.Tensors.Values.Where(t => t.Name != "outs.1.conv.bias").ToList();
        int at = tensors.FindIndex(t => t.Name == "pre.0.conv.weight");
        tensors[at] = new WeightTensor("pre.0.conv.weight", [64, 3, 5, 5], new float[64 * 3 * 25]);
        tensors.Add(new WeightTensor("hgs.0.0.up1.skip_layer.conv.weight", [8, 8, 1, 1], new float[64]));
        var e = Assert.Throws<WeightsMismatchException>(() => HourglassNetwork.Create(Arch, new HourglassWeights(tensors)));
        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("missing tensor 'outs.1.conv.bias'"));
        Assert.Contains(e.Problems, p => p.Contains("'pre.0.conv.weight' has shape [64, 3, 5, 5], expected [64, 3, 7, 7]"));
        Assert.Contains(e.Problems, p => p.Contains("unexpected tensor 'hgs.0.0.up1.skip_layer.conv.weight'"));
    }

    [Fact]
    public void Weights_of_another_architecture_are_rejected()
    {
        var other = HourglassWeights.CreateRandom(new HourglassArchitecture(1, 8, 4, 64, 64), 1);
        var e = Assert.Throws<WeightsMismatchException>(() => HourglassNetwork.Create(Arch, other));
        Assert.Contains(e.Problems, p => p.Contains("missing tensor 'hgs.1.0.up1.bn1.weight'"));
    }

    [Fact]
    public void Non_finite_weights_and_negative_variances_are_rejected()
    {
        var good = HourglassWeights.CreateRandom(Arch, 1);
        good.Tensors["hgs.0.0.low1.conv2.conv.weight"].Data[17] = float.NaN;
        good.Tensors["pre.0.bn.running_var"].Data[2] = -1;
        var e = Assert.Throws<WeightsMismatchException>(() => HourglassNetwork.Create(Arch, good));
        Assert.Contains(e.Problems, p => p.Contains("'hgs.0.0.low1.conv2.conv.weight' holds an invalid value NaN at flat index 17"));
        Assert.Contains(e.Problems, p => p.Contains("'pre.0.bn.running_var' holds an invalid value -1"));
    }

    [Fact]
    public void Tensor_data_must_match_its_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new WeightTensor("x", [2, 3], new float[5]));
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void Thread_count_below_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxDegreeOfParallelism = 0 }));
    }

    [Fact]
    public void Thread_counts_above_the_cap_are_refused_by_name()
    {
        int most = HourglassOptions.MaxThreadsPerProcessor * Environment.ProcessorCount;
        var e = Assert.ThrowsAny<ArgumentException>(() => HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxDegreeOfParallelism = most + 1 }));
        Assert.Contains($"MaxDegreeOfParallelism {most + 1}", e.Message, StringComparison.Ordinal);
        using var atTheCap = HourglassNetwork.CreateRandom(Arch, 1, new HourglassOptions { MaxDegreeOfParallelism = most });
        Assert.Equal(most, atTheCap.ThreadCount);
    }

    [Fact]
    public void Disposed_network_refuses_to_run()
    {
        var net = HourglassNetwork.CreateRandom(Arch, 1);
        net.Dispose();
        Assert.Throws<ObjectDisposedException>(() => net.Run(new float[Arch.InputSizePerImage]));
    }
}

using HourglassSimd.TestSupport;
using System.Numerics.Tensors;
using HourglassSimd.Tests.Support;

namespace HourglassSimd.Tests.Network;

/// <summary><see cref="HourglassNetwork.Run(ReadOnlyTensorSpan{float}, TensorSpan{float})"/>: shapes checked, then the span run.</summary>
public sealed class TensorSpanRunTests
{
    private static readonly HourglassArchitecture Arch = new(2, 16, 5, 64, 64);

    [Theory]
    [MemberData(nameof(SimdPaths.All), MemberType = typeof(SimdPaths))]
    public void Tensor_run_equals_the_span_run_bit_for_bit(KernelIsa isa)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 4, new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 2 });
        const int batch = 2, height = 128, width = 64;
        float[] input = TestArrays.Uniform(new Random(5), batch * 3 * height * width, 0, 1);
        var expected = new float[net.OutputLength(batch, height, width)];
        net.Run(input, height, width, expected);

        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN);
        net.Run(new ReadOnlyTensorSpan<float>(input, [batch, 3, height, width]),
            new TensorSpan<float>(actual, [batch, Arch.Stacks, Arch.Joints, height / 4, width / 4]));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{isa}: the tensor run differs from the span run");
    }

    [Theory]
    [InlineData(new long[] { 1, 3, 64 }, "[1, 3, 64]")]              // rank 3
    [InlineData(new long[] { 1, 1, 3, 64, 64 }, "[1, 1, 3, 64, 64]")] // rank 5
    [InlineData(new long[] { 1, 4, 64, 64 }, "[1, 4, 64, 64]")]       // four channels
    [InlineData(new long[] { 1, 3, 96, 64 }, "[1, 3, 96, 64]")]       // height not a multiple of 64
    [InlineData(new long[] { 1, 3, 64, 0 }, "[1, 3, 64, 0]")]         // empty width
    [InlineData(new long[] { 0, 3, 64, 64 }, "[0, 3, 64, 64]")]       // empty batch
    public void A_wrong_input_shape_is_named(long[] shape, string text)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 4, new HourglassOptions { Isa = KernelIsa.Scalar });
        nint[] lengths = [.. shape.Select(l => (nint)l)];
        var input = new float[shape.Aggregate(1L, (a, b) => a * b)];
        var heatmaps = new float[net.OutputLength(1)];
        var e = Assert.Throws<ArgumentException>(() => net.Run(new ReadOnlyTensorSpan<float>(input, lengths),
            new TensorSpan<float>(heatmaps, [1, Arch.Stacks, Arch.Joints, 16, 16])));
        Assert.Equal("input", e.ParamName);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 2, 2, 5, 16, 16 }, "[2, 2, 5, 16, 16]")] // batch differs from the input's
    [InlineData(new long[] { 1, 1, 5, 16, 16 }, "[1, 1, 5, 16, 16]")] // one stack of two
    [InlineData(new long[] { 1, 2, 5, 16, 8 }, "[1, 2, 5, 16, 8]")]   // width not W/4
    [InlineData(new long[] { 1, 10, 16, 16 }, "[1, 10, 16, 16]")]     // rank 4 (stacks and joints merged)
    public void A_wrong_heatmap_shape_is_named(long[] shape, string text)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 4, new HourglassOptions { Isa = KernelIsa.Scalar });
        nint[] lengths = [.. shape.Select(l => (nint)l)];
        float[] input = TestArrays.Uniform(new Random(1), Arch.InputSizePerImage, 0, 1);
        var heatmaps = new float[shape.Aggregate(1L, (a, b) => a * b)];
        var e = Assert.Throws<ArgumentException>(() => net.Run(new ReadOnlyTensorSpan<float>(input, [1, 3, 64, 64]),
            new TensorSpan<float>(heatmaps, lengths)));
        Assert.Equal("heatmaps", e.ParamName);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 2, 5, 16, 16]", e.Message, StringComparison.Ordinal); // the shape expected
    }

    [Fact]
    public void Tensors_that_are_not_dense_are_refused()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 4, new HourglassOptions { Isa = KernelIsa.Scalar });
        // Rows 128 floats apart: the right shape, but not contiguous. (The batch stride is 0: the package refuses a
        // larger stride on a dimension of length 1.)
        float[] wide = TestArrays.Uniform(new Random(1), 3 * 64 * 128, 0, 1);
        var heatmaps = new float[net.OutputLength(1)];
        var e = Assert.Throws<ArgumentException>(() => net.Run(new ReadOnlyTensorSpan<float>(wide, [1, 3, 64, 64], [0, 64 * 128, 128, 1]),
            new TensorSpan<float>(heatmaps, [1, 2, 5, 16, 16])));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("not dense", e.Message, StringComparison.Ordinal);

        float[] input = TestArrays.Uniform(new Random(1), Arch.InputSizePerImage, 0, 1);
        var roomy = new float[2 * heatmaps.Length];
        // Stacks twice as far apart as in a dense tensor: a gap after every stack.
        e = Assert.Throws<ArgumentException>(() => net.Run(new ReadOnlyTensorSpan<float>(input, [1, 3, 64, 64]),
            new TensorSpan<float>(roomy, [1, 2, 5, 16, 16], [0, 2 * 5 * 16 * 16, 16 * 16, 16, 1])));
        Assert.Equal("heatmaps", e.ParamName);
        Assert.Contains("not dense", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_input_is_refused_with_its_position()
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 4, new HourglassOptions { Isa = KernelIsa.Scalar });
        float[] input = TestArrays.Uniform(new Random(1), 2 * Arch.InputSizePerImage, 0, 1);
        input[Arch.InputSizePerImage + 2 * 64 * 64 + 5 * 64 + 7] = float.PositiveInfinity;
        var heatmaps = new float[net.OutputLength(2)];
        var e = Assert.Throws<ArgumentException>(() => net.Run(new ReadOnlyTensorSpan<float>(input, [2, 3, 64, 64]),
            new TensorSpan<float>(heatmaps, [2, 2, 5, 16, 16])));
        Assert.Contains("image 1, channel 2, row 5, column 7", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(KernelIsa.Vector512)]
    [InlineData(KernelIsa.Scalar)]
    public void Tensor_run_allocates_nothing_once_warm(KernelIsa isa)
    {
        using var net = HourglassNetwork.CreateRandom(Arch, seed: 1, new HourglassOptions { Isa = isa, MaxDegreeOfParallelism = 2 });
        float[] inputArray = TestArrays.Uniform(new Random(1), 2 * 3 * 128 * 64, 0, 1);
        var output = new float[net.OutputLength(2, 128, 64)];
        var input = new ReadOnlyTensorSpan<float>(inputArray, [2, 3, 128, 64]);
        var heatmaps = new TensorSpan<float>(output, [2, 2, 5, 32, 16]);
        net.Run(input, heatmaps);
        net.Run(input, heatmaps);

        // Tensor spans cannot be captured, so each pass builds its own (on the stack) over the same arrays.
        WarmAllocations.AssertNone(
            () => net.Run(new ReadOnlyTensorSpan<float>(inputArray, [2, 3, 128, 64]), new TensorSpan<float>(output, [2, 2, 5, 32, 16])),
            "a warm tensor run");
    }
}

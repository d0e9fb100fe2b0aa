using HourglassSimd.Quantization;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

public sealed class AllocationTests
{
    [Theory]
    [InlineData(KernelIsa.Vector512, ConvolutionMode.Fastest, 1)]
    [InlineData(KernelIsa.Vector512, ConvolutionMode.Fastest, 2)]
    [InlineData(KernelIsa.Vector256, ConvolutionMode.DirectOnly, 2)]
    [InlineData(KernelIsa.Vector128, ConvolutionMode.Fastest, 2)]
    [InlineData(KernelIsa.Scalar, ConvolutionMode.DirectOnly, 1)]
    public void Run_allocates_nothing_once_warm(KernelIsa isa, ConvolutionMode mode, int threads)
    {
        var arch = new HourglassArchitecture(2, 16, 16, 64, 64);
        using var net = HourglassNetwork.CreateRandom(arch, 1, new HourglassOptions { Isa = isa, Convolution = mode, MaxDegreeOfParallelism = threads });
        AssertNothingAllocatedOnceWarm(net, TestArrays.Uniform(new Random(1), 2 * arch.InputSizePerImage, 0, 1));
    }

    [Theory]
    [InlineData(ModelPrecision.Int8, 1)]
    [InlineData(ModelPrecision.Int8, 2)]
    [InlineData(ModelPrecision.Int16, 1)]
    public void A_quantized_network_allocates_nothing_once_warm(ModelPrecision precision, int threads)
    {
        var arch = new HourglassArchitecture(2, 16, 16, 64, 64);
        var model = new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 2));
        var quantized = HourglassQuantizer.Quantize(model, Quantization.QuantizedNetworkTests.Images(arch, 1, 2),
            new QuantizationOptions { Precision = precision, ComparisonImages = 0 }).Model;
        using var net = quantized.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = threads });
        AssertNothingAllocatedOnceWarm(net, TestArrays.Uniform(new Random(1), 2 * arch.InputSizePerImage, 0, 1));
    }

    private static void AssertNothingAllocatedOnceWarm(HourglassNetwork net, float[] input)
    {
        var output = new float[net.OutputLength(2)];
        for (int i = 0; i < 10; i++)
            net.Run(input, output);

        WarmAllocations.AssertNone(() => net.Run(input, output), "a warm network run");
    }
}

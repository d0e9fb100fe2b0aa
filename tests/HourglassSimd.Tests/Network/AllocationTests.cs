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
        float[] input = TestArrays.Uniform(new Random(1), 2 * arch.InputSizePerImage, 0, 1);
        var output = new float[net.OutputLength(2)];
        net.Run(input, output);
        net.Run(input, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
            net.Run(input, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}

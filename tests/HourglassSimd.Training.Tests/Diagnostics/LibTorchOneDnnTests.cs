using static TorchSharp.torch;

namespace HourglassSimd.Training.Tests;

public sealed class LibTorchOneDnnTests
{
    /// <summary>
    /// The defect behind the switch: with oneDNN on, a 3x3 convolution whose channels are not a multiple of oneDNN's
    /// block reads padding it never wrote. Filling the allocator's recently freed memory with NaN before each pass makes
    /// that show as NaN: measured with oneDNN on (capped at AVX2), 150 and 117 of 2,000 passes gave a NaN input gradient
    /// at 4 channels in two runs, and 567 and 251 a NaN output at 12 (docs/training.md). With the switch off, none may.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void UnalignedChannelConvolution_IgnoresNaNLeftInFreedMemory(int channels)
    {
        LibTorchOneDnn state = LibTorchOneDnn.Apply();
        Assert.False(state.Enabled, state.Description);

        manual_seed(3);
        using var convolution = nn.Conv2d(channels, channels, 3, padding: 1);
        for (int pass = 0; pass < 300; pass++)
        {
            using var scope = NewDisposeScope();
            for (int size = 1; size <= 8; size++)
            {
                full([2, channels * size, 16, 16], float.NaN).Dispose(); // leaves NaN in memory the next tensors may get
            }

            Tensor input = randn(2, channels, 16, 16).requires_grad_(true);
            Tensor output = convolution.forward(input);
            (output * randn_like(output)).sum().backward();
            Assert.True(output.isfinite().all().item<bool>(), $"NaN output at pass {pass}");
            Assert.True(input.grad!.isfinite().all().item<bool>(), $"NaN input gradient at pass {pass}");
            convolution.zero_grad();
        }
    }

    [Fact]
    public void Apply_TurnsOneDnnOff_AndSaysHowToKeepIt()
    {
        LibTorchOneDnn state = LibTorchOneDnn.Apply();
        Assert.Same(state, LibTorchOneDnn.Apply());
        Assert.Equal("libtorch oneDNN convolutions off (HOURGLASS_LIBTORCH_ONEDNN=on keeps them)", state.Description);
    }
}

using HourglassSimd.Training;
using TorchSharp;

namespace HourglassSimd.Parity.Tests.Support;

/// <summary>
/// TorchSharp PoseNets with seeded random weights whose batch norms are far from the identity (γ in [0.5, 2],
/// β and running mean in ±0.5, running variance in [0.3, 3]), so that a conversion that dropped or misplaced any
/// batch-norm statistic would show in the outputs; and the libtorch reference forward pass in eval mode.
/// </summary>
public static class RandomPoseNets
{
    public static PoseNet Create(int stacks, int features, int joints, long seed, int depth = PoseNetArchitecture.DefaultDepth,
        ResidualBlock block = ResidualBlock.Bottleneck, int modulesPerLevel = 1)
    {
        torch.manual_seed(seed);
        var net = new PoseNet(new PoseNetArchitecture(stacks, features, joints) { Depth = depth, Block = block, ModulesPerLevel = modulesPerLevel });
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in net.named_parameters())
            {
                if (name.EndsWith("conv.weight", StringComparison.Ordinal) || name.EndsWith("conv.bias", StringComparison.Ordinal))
                    continue; // convolutions keep TorchSharp's default initialisation
                if (name.EndsWith(".weight", StringComparison.Ordinal))
                    parameter.uniform_(0.5, 2.0);
                else
                    parameter.uniform_(-0.5, 0.5);
            }
            foreach (var (name, buffer) in net.named_buffers())
            {
                if (name.EndsWith(".running_mean", StringComparison.Ordinal))
                    buffer.uniform_(-0.5, 0.5);
                else if (name.EndsWith(".running_var", StringComparison.Ordinal))
                    buffer.uniform_(0.3, 3.0);
                else if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                    buffer.fill_(1234);
            }
        }
        net.eval();
        return net;
    }

    /// <summary>Seeded images in [0, 1), NCHW.</summary>
    public static float[] Images(int batch, int size, int seed) => Images(batch, size, size, seed);

    /// <summary>Seeded images in [0, 1), NCHW, <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static float[] Images(int batch, int height, int width, int seed)
    {
        var random = new Random(seed);
        var data = new float[batch * 3 * height * width];
        for (int i = 0; i < data.Length; i++)
            data[i] = random.NextSingle();
        return data;
    }

    /// <summary>libtorch's eval-mode forward: every stack's heatmaps [N, S, J, H/4, W/4], flattened.</summary>
    public static float[] Forward(PoseNet net, float[] images, int batch, int size) => Forward(net, images, batch, size, size);

    /// <summary>libtorch's eval-mode forward at <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static float[] Forward(PoseNet net, float[] images, int batch, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        net.eval();
        var input = torch.tensor(images, [batch, 3, height, width]);
        return net.forward(input).contiguous().data<float>().ToArray();
    }
}

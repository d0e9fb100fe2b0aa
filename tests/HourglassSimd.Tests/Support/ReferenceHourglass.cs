using HourglassSimd.Kernels;

namespace HourglassSimd.Tests.Support;

/// <summary>
/// The network of hourglass-spec §1 written out straight from the spec with the reference kernels: every batch
/// norm as its own pass from the unfolded γ, β, μ, σ² (nothing folded, nothing fused), plain CHW arrays, one image.
/// The oracle for the engine's whole forward pass.
/// </summary>
internal sealed class ReferenceHourglass(HourglassArchitecture arch, HourglassWeights weights)
{
    private sealed record Tensor(float[] Data, int C, int H, int W);

    /// <summary>Heatmaps of one image, [stacks][joints][H/4][W/4].</summary>
    public float[] Run(float[] image)
    {
        var x = new Tensor(image, 3, arch.InputHeight, arch.InputWidth);
        x = Relu(BatchNorm(Conv(x, "pre.0.conv", 2, 3), "pre.0.bn"));
        x = Residual(x, "pre.1");
        x = MaxPool(x);
        x = Residual(x, "pre.3");
        x = Residual(x, "pre.4");
        var outputs = new List<float>();
        for (int s = 0; s < arch.Stacks; s++)
        {
            var h = Hourglass(x, $"hgs.{s}.0", arch.Depth);
            var f = Residual(h, $"features.{s}.0");
            f = Relu(BatchNorm(Conv(f, $"features.{s}.1.conv", 1, 0), $"features.{s}.1.bn"));
            var heat = Conv(f, $"outs.{s}.conv", 1, 0);
            outputs.AddRange(heat.Data);
            if (s < arch.Stacks - 1)
                x = Add(Add(x, Conv(f, $"merge_features.{s}.conv.conv", 1, 0)), Conv(heat, $"merge_preds.{s}.conv.conv", 1, 0));
        }
        return outputs.ToArray();
    }

    private Tensor Hourglass(Tensor x, string prefix, int depth)
    {
        var up1 = Box(x, prefix + ".up1");
        var low1 = Box(MaxPool(x), prefix + ".low1");
        var low2 = depth > 1 ? Hourglass(low1, prefix + ".low2", depth - 1) : Box(low1, prefix + ".low2");
        var low3 = Box(low2, prefix + ".low3");
        return Add(up1, Upsample(low3));
    }

    /// <summary>One box: a residual, or with several modules per level the residuals <c>name.0</c>, <c>name.1</c>, ... in turn.</summary>
    private Tensor Box(Tensor x, string name)
    {
        if (arch.ModulesPerLevel == 1)
            return Residual(x, name);
        for (int i = 0; i < arch.ModulesPerLevel; i++)
            x = Residual(x, $"{name}.{i}");
        return x;
    }

    private Tensor Residual(Tensor x, string prefix)
    {
        var main = Relu(BatchNorm(x, prefix + ".bn1"));
        main = Conv(main, prefix + ".conv1.conv", 1, 0);
        main = Relu(BatchNorm(main, prefix + ".bn2"));
        main = arch.Block == ResidualBlock.Depthwise ? DepthwiseConv(main, prefix + ".conv2.conv") : Conv(main, prefix + ".conv2.conv", 1, 1);
        main = Relu(BatchNorm(main, prefix + ".bn3"));
        main = Conv(main, prefix + ".conv3.conv", 1, 0);
        var shortcut = weights.Tensors.ContainsKey(prefix + ".skip_layer.conv.weight") ? Conv(x, prefix + ".skip_layer.conv", 1, 0) : x;
        return Add(main, shortcut);
    }

    private Tensor Conv(Tensor x, string prefix, int stride, int pad)
    {
        var weight = weights.Tensors[prefix + ".weight"];
        int oc = weight.Shape[0], k = weight.Shape[2];
        int oh = (x.H + 2 * pad - k) / stride + 1, ow = (x.W + 2 * pad - k) / stride + 1;
        var output = new float[oc * oh * ow];
        ReferenceKernels.Conv2d(x.Data, x.C, x.H, x.W, weight.Data, weights.Tensors[prefix + ".bias"].Data, oc, k, k, stride, pad, output);
        return new Tensor(output, oc, oh, ow);
    }

    /// <summary>A 3x3 stride-1 pad-1 convolution with groups = channels (weight [C, 1, 3, 3]).</summary>
    private Tensor DepthwiseConv(Tensor x, string prefix)
    {
        var output = new float[x.Data.Length];
        ReferenceKernels.DepthwiseConv3x3(x.Data, x.C, x.H, x.W, weights.Tensors[prefix + ".weight"].Data, weights.Tensors[prefix + ".bias"].Data, output);
        return x with { Data = output };
    }

    private Tensor BatchNorm(Tensor x, string prefix)
    {
        float[] gamma = weights.Tensors[prefix + ".weight"].Data, beta = weights.Tensors[prefix + ".bias"].Data;
        float[] mean = weights.Tensors[prefix + ".running_mean"].Data, variance = weights.Tensors[prefix + ".running_var"].Data;
        var scale = new float[x.C];
        var shift = new float[x.C];
        for (int c = 0; c < x.C; c++)
        {
            scale[c] = (float)(gamma[c] / Math.Sqrt(variance[c] + 1e-5));
            shift[c] = (float)(beta[c] - mean[c] * (gamma[c] / Math.Sqrt(variance[c] + 1e-5)));
        }
        var output = new float[x.Data.Length];
        ReferenceKernels.ScaleShift(x.Data, x.C, x.H * x.W, scale, shift, output, relu: false);
        return x with { Data = output };
    }

    private static Tensor Relu(Tensor x)
    {
        var output = new float[x.Data.Length];
        ReferenceKernels.Relu(x.Data, output);
        return x with { Data = output };
    }

    private static Tensor Add(Tensor a, Tensor b)
    {
        var output = new float[a.Data.Length];
        ReferenceKernels.Add(a.Data, b.Data, output);
        return a with { Data = output };
    }

    private static Tensor MaxPool(Tensor x)
    {
        var output = new float[x.C * (x.H / 2) * (x.W / 2)];
        ReferenceKernels.MaxPool2x2(x.Data, x.C, x.H, x.W, output);
        return new Tensor(output, x.C, x.H / 2, x.W / 2);
    }

    private static Tensor Upsample(Tensor x)
    {
        var output = new float[x.C * 4 * x.H * x.W];
        ReferenceKernels.UpsampleNearest2x(x.Data, x.C, x.H, x.W, output, accumulate: false);
        return new Tensor(output, x.C, 2 * x.H, 2 * x.W);
    }
}

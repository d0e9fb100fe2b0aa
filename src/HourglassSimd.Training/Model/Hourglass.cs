using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>The recursive hourglass H(n) on F channels (spec §1.4); its residual modules come from a factory given their key prefix.</summary>
/// <remarks>
/// State keys: <c>up1</c>, <c>low1</c>, <c>low2</c> (an H(n−1), or the bottom box when n = 1), <c>low3</c>. A box of
/// more than one module is a <c>Sequential</c>, so its modules are <c>up1.0</c>, <c>up1.1</c>, ...
/// </remarks>
public sealed class Hourglass : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> up1;
    private readonly nn.Module<Tensor, Tensor> low1;
    private readonly nn.Module<Tensor, Tensor> low2;
    private readonly nn.Module<Tensor, Tensor> low3;

    /// <param name="depth">Max-pool levels, at least 1.</param>
    /// <param name="prefix">State-key prefix of this hourglass, e.g. <c>hgs.0.0</c>.</param>
    /// <param name="residual">Makes the F→F residual module of a prefix (e.g. <c>hgs.0.0.up1</c>).</param>
    /// <param name="modulesPerLevel">Residual modules in each box (1 in the paper).</param>
    public Hourglass(int depth, string prefix, Func<string, Residual> residual, int modulesPerLevel = 1)
        : base(nameof(Hourglass))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(modulesPerLevel, 1);
        ArgumentNullException.ThrowIfNull(residual);
        nn.Module<Tensor, Tensor> Box(string name) => modulesPerLevel == 1
            ? residual(name)
            : nn.Sequential(Enumerable.Range(0, modulesPerLevel).Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)residual($"{name}.{i}"))).ToArray());
        up1 = Box(prefix + ".up1");
        low1 = Box(prefix + ".low1");
        low2 = depth > 1 ? new Hourglass(depth - 1, prefix + ".low2", residual, modulesPerLevel) : Box(prefix + ".low2");
        low3 = Box(prefix + ".low3");
        register_module("up1", up1);
        register_module("low1", low1);
        register_module("low2", low2);
        register_module("low3", low3);
    }

    public override Tensor forward(Tensor input)
    {
        Tensor upper = up1.forward(input);
        Tensor lower = low1.forward(nn.functional.max_pool2d(input, 2, 2));
        lower = low3.forward(low2.forward(lower));
        Tensor upsampled = nn.functional.interpolate(lower, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return upper + upsampled;
    }
}

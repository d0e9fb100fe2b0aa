namespace HourglassSimd.Benchmarks.Kernels;

/// <summary>Every distinct convolution of the network at 256×256 input (256 features, 16 joints), by kernel size.</summary>
public static class ConvShapes
{
    private static readonly int[] HourglassResolutions = [64, 32, 16, 8, 4];

    /// <summary>The residual modules' 3x3 convolutions (pad 1, BN folded, ReLU, a 1-pixel halo on the input).</summary>
    public static IEnumerable<ConvShape> Conv3x3() =>
    [
        new("pre.1.conv2", 3, 1, 64, 64, 128, 128, Relu: true),
        new("pre.3.conv2", 3, 1, 64, 64, 64, 64, Relu: true),
        .. HourglassResolutions.Select(r => new ConvShape("res.conv2", 3, 1, 128, 128, r, r, Relu: true)),
    ];

    /// <summary>The 1x1 convolutions: residual conv1 (with the BN + ReLU prologue), conv3 (+ shortcut), projections and heads.</summary>
    public static IEnumerable<ConvShape> Conv1x1() =>
    [
        new("pre.1.conv1", 1, 1, 64, 64, 128, 128, Prologue: true, Relu: true, OutHalo: 1),
        new("pre.1.skip", 1, 1, 64, 128, 128, 128),
        new("pre.1.conv3", 1, 1, 64, 128, 128, 128, Residual: true),
        new("pre.3.conv1", 1, 1, 128, 64, 64, 64, Prologue: true, Relu: true, OutHalo: 1),
        new("pre.3.conv3", 1, 1, 64, 128, 64, 64, Residual: true),
        new("pre.4.conv1", 1, 1, 128, 128, 64, 64, Prologue: true, Relu: true, OutHalo: 1),
        new("pre.4.skip", 1, 1, 128, 256, 64, 64),
        .. HourglassResolutions.Select(r => new ConvShape("res.conv1", 1, 1, 256, 128, r, r, Prologue: true, Relu: true, OutHalo: 1)),
        .. HourglassResolutions.Select(r => new ConvShape("res.conv3", 1, 1, 128, 256, r, r, Residual: true)),
        new("features.1 (linear)", 1, 1, 256, 256, 64, 64, Relu: true),
        new("merge_features", 1, 1, 256, 256, 64, 64, Residual: true),
        new("outs (heatmaps)", 1, 1, 256, 16, 64, 64),
        new("merge_preds", 1, 1, 16, 256, 64, 64, Residual: true),
    ];

    /// <summary>The stem's 7x7 stride-2 convolution on the plain RGB image.</summary>
    public static IEnumerable<ConvShape> Stem() => [new("pre.0.conv", 7, 2, 3, 64, 256, 256, Relu: true)];
}

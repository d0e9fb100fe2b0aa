using HourglassSimd.Pose;
using static TorchSharp.torch;

namespace HourglassSimd.Training;

/// <summary>
/// Pose estimation with TorchSharp's forward pass in place of the engine's: the person crop, the flip test and the
/// heatmap decoding are the engine's own (<see cref="CropSampler"/>, <see cref="FlipTest"/>, <see cref="HeatmapDecoder"/>),
/// as <see cref="PoseEstimator"/> uses them with its default options (last stack; quarter-offset peaks unless told), so that a
/// trained checkpoint can be evaluated without conversion and compared with the converted <c>.hgw</c> model.
/// </summary>
public sealed class TorchSharpPoseEstimator
{
    private readonly PoseNet _net;
    private readonly HourglassArchitecture _arch;
    private readonly InputNormalization _normalization;
    private readonly JointLayout _layout;
    private readonly bool _flip;
    private readonly PeakRefinement _refinement;
    private readonly CropSampler _sampler = new();

    /// <param name="net">The network; it is switched to eval mode.</param>
    /// <param name="inputSize">Square input side the crops are sampled at (a multiple of 64).</param>
    /// <param name="normalization">Input normalization of training (<see cref="InputNormalization.Default"/> for this trainer).</param>
    /// <param name="layout">The joints' names and left/right pairs, for the flip test.</param>
    /// <param name="flipTest">Also run the mirrored crop and average, as <see cref="PoseEstimatorOptions.FlipTest"/>.</param>
    /// <param name="refinement">The decoder's sub-pixel rule, as <see cref="PoseEstimatorOptions.Refinement"/>.</param>
    public TorchSharpPoseEstimator(PoseNet net, int inputSize, InputNormalization normalization, JointLayout layout, bool flipTest,
        PeakRefinement refinement = PeakRefinement.QuarterOffset)
    {
        ArgumentNullException.ThrowIfNull(net);
        _net = net;
        _net.eval();
        _arch = new HourglassArchitecture(net.Architecture.Stacks, net.Architecture.Features, net.Architecture.Joints, inputSize, inputSize);
        _normalization = normalization;
        _layout = layout;
        _flip = flipTest;
        _refinement = refinement;
    }

    /// <summary>The pose of the person in <paramref name="box"/>.</summary>
    public PoseResult Estimate(RgbImage image, PersonBox box)
    {
        var transform = CropTransform.For(box, _arch);
        int crops = _flip ? 2 : 1, inSize = _arch.InputSizePerImage;
        var input = new float[crops * inSize];
        _sampler.Sample(image, transform, _normalization, input.AsSpan(0, inSize));
        if (_flip)
            _sampler.Sample(image, transform, _normalization, input.AsSpan(inSize, inSize), mirror: true);

        float[] output;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var x = tensor(input, [crops, 3, _arch.InputHeight, _arch.InputWidth]);
            output = _net.forward(x).data<float>().ToArray();
        }

        int perStack = _arch.Joints * _arch.OutputHeight * _arch.OutputWidth, perCrop = _arch.Stacks * perStack;
        var heatmaps = output.AsSpan((_arch.Stacks - 1) * perStack, perStack).ToArray(); // the last stack
        if (_flip)
            FlipTest.Average(heatmaps, output.AsSpan(perCrop + (_arch.Stacks - 1) * perStack, perStack), _arch.OutputWidth, _arch.OutputHeight, _layout.FlipPermutationSpan, heatmaps);
        return HeatmapDecoder.Decode(heatmaps, transform, _layout, _refinement);
    }
}

using System.Globalization;
using HourglassSimd.Pose;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace HourglassSimd.Training.Tests;

/// <summary>One training step's gradients in float32 (libtorch's CPU path: oneDNN) against float64 (reference kernels).</summary>
public sealed class TrainingGradientTests(ITestOutputHelper output)
{
    /// <summary>
    /// Loss within 1e-5 relative; every parameter's gradient within 1e-3 of the largest gradient entry of the network
    /// (max|g32 − g64| ≤ 1e-3 · max over all parameters |g64|). Measured here (seeds 1 to 3): 6e-7 and 6e-5 at most.
    /// </summary>
    private const double LossBound = 1e-5;
    private const double GradientBound = 1e-3;

    /// <summary>
    /// A seed whose float64 step is well conditioned. With two images the BatchNorm at the 1x1 hourglass bottom
    /// normalizes two values; for some inputs they are nearly equal and then even float64 gradients move by 10% when
    /// the input moves by 1e-8, so no float32 bound would hold (seeds 4 and 5 are such cases). The test checks this
    /// precondition first: a 1e-7 relative change of the input moves the float64 gradients by about 2e-5 at seed 2.
    /// </summary>
    private const int Seed = 2;

    [Fact]
    public void OneTrainingStep_Float32GradientsMatchFloat64_ForEveryParameter()
    {
        using var scope = NewDisposeScope();
        var architecture = new PoseNetArchitecture(1, 16, JointLayout.Mpii16.Count);
        manual_seed(Seed);
        using var single = new PoseNet(architecture);
        Tensor input = rand(2, 3, 64, 64);
        Tensor target = rand(2, architecture.Joints, 16, 16);

        (Tensor loss, Dictionary<string, Tensor> gradients) = Step(single, input, target);
        (Tensor loss64, Dictionary<string, Tensor> reference) = Step(Float64Copy(single), input.to(float64), target.to(float64));
        double scale = reference.Values.Max(g => g.abs().max().item<double>());

        // Precondition: the float64 step itself is insensitive to a float32-sized change of the input.
        using var noise = new Generator(99);
        (_, Dictionary<string, Tensor> nudged) = Step(
            Float64Copy(single), input.to(float64) * (1 + (1e-7 * randn(input.shape, float64, generator: noise))), target.to(float64));
        double conditioning = reference.Max(p => (nudged[p.Key] - p.Value).abs().max().item<double>()) / scale;
        Assert.True(conditioning < 1e-4, $"seed {Seed} gives an ill-conditioned step (float64 gradients move by {conditioning:0.0e+0}); pick another");

        double lossError = Math.Abs(loss.item<float>() - loss64.item<double>()) / loss64.item<double>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loss {loss.item<float>()} vs {loss64.item<double>()}: {lossError:0.0e+0}; conditioning {conditioning:0.0e+0}; gradient scale {scale:0.000}"));
        Assert.True(lossError <= LossBound, $"loss relative error {lossError:0.0e+0} > {LossBound:0e+0}");

        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), gradients.Keys.Order(StringComparer.Ordinal));
        var failures = new List<string>();
        double worst = 0;
        foreach ((string name, Tensor gradient) in gradients)
        {
            bool finite = gradient.isfinite().all().item<bool>();
            double error = finite ? (gradient.to(float64) - reference[name]).abs().max().item<double>() / scale : double.PositiveInfinity;
            worst = Math.Max(worst, error);
            if (!(error <= GradientBound))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {error:0.0e+0}"));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{gradients.Count} parameters, worst gradient error {worst:0.0e+0}"));
        Assert.True(failures.Count == 0, $"gradients off by more than {GradientBound:0e+0} of the largest: {string.Join("; ", failures)}");
    }

    private static PoseNet Float64Copy(PoseNet source)
    {
        var copy = new PoseNet(source.Architecture);
        copy.load_state_dict(source.state_dict());
        copy.to(float64);
        return copy;
    }

    /// <summary>Training mode, loss, backward: the loss and every parameter's gradient.</summary>
    private static (Tensor Loss, Dictionary<string, Tensor> Gradients) Step(PoseNet model, Tensor input, Tensor target)
    {
        model.train();
        model.zero_grad();
        Tensor loss = StackedHeatmapLoss.Compute(model.forward(input), target);
        loss.backward();
        return (loss.detach(), model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone()));
    }
}

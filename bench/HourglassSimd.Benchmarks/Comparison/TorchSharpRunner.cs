using HourglassSimd.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// TorchSharp (libtorch, CPU) running the training project's <see cref="PoseNet"/> with the setup's weights copied into
/// its state dict: eval mode, no_grad, <c>torch.set_num_threads(threads)</c>, the input tensor created once.
/// </summary>
public sealed class TorchSharpRunner : IForwardRunner
{
    private readonly PoseNet _model;
    private readonly Tensor _input;
    private readonly float[] _output;

    public TorchSharpRunner(ForwardSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup.Weights.IsFolded)
            throw new ArgumentException("TorchSharp runs the trained form of the weights; these are folded.");
        var arch = setup.Architecture;
        set_num_threads(setup.Threads);
        // Time libtorch as it ships. The trainer turns oneDNN off because it reads channel padding it never wrote
        // (LibTorchOneDnn); a NaN from that would show in the runners' output comparison, not in a timing.
        LibTorchOneDnn.Apply(keepOn: true);
        _model = new PoseNet(new PoseNetArchitecture(arch.Stacks, arch.Features, arch.Joints) { Depth = arch.Depth, Block = arch.Block, Widths = arch.Widths, StemChannels = arch.StemChannels, ModulesPerLevel = arch.ModulesPerLevel });
        using (no_grad())
        {
            foreach (var (name, parameter) in _model.state_dict())
            {
                if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                    continue;
                var source = setup.Weights.Tensors[name];
                using var values = tensor(source.Data, source.Shape.Select(d => (long)d).ToArray());
                parameter.copy_(values);
            }
        }
        _model.eval();
        _input = tensor(setup.Input, setup.InputShape);
        _output = new float[setup.OutputLength];
        Description = $"TorchSharp {typeof(torch).Assembly.GetName().Version} (libtorch CPU), {get_num_threads()} thread(s), eval, no_grad";
    }

    public string Name => "TorchSharp";

    public string Description { get; }

    public ReadOnlySpan<float> Output => _output;

    public void Run()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var heatmaps = _model.forward(_input);
        heatmaps.data<float>().CopyTo(_output);
    }

    public void Dispose()
    {
        _input.Dispose();
        _model.Dispose();
    }
}

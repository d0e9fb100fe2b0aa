using System.CommandLine;
using HourglassSimd.Interop.Onnx;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tools.Commands;

/// <summary><c>hourglass export-onnx</c>: writes a network as an ONNX model (opset 13) that ONNX Runtime loads.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "The .onnx file to write (overwritten).", Required = true };
        var model = new Option<FileInfo?>("--model") { Description = "Weights to export (.hgw). Without it, seeded random weights of the shape below." };
        var stacks = new Option<int>("--stacks") { Description = "Number of stacks (random weights).", DefaultValueFactory = _ => 2 };
        var features = new Option<int>("--features") { Description = "Feature width (random weights).", DefaultValueFactory = _ => 256 };
        var joints = new Option<int>("--joints") { Description = "Heatmaps per stack (random weights).", DefaultValueFactory = _ => 16 };
        var size = new Option<string?>("--size") { HelpName = "size", Description = $"Input size written into the model: {InputSize.Syntax}. Default: the model's own size with --model, else 256." };
        var dynamicSize = new Option<bool>("--dynamic-size") { Description = "Symbolic height and width (input [N, 3, H, W], output [N, stacks, joints, H/4, W/4]): one .onnx file for every input size." };
        var shape = new ShapeOptions();
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int?>("--batch") { Description = "Fix the batch size in the model (default: symbolic N, any batch)." };
        var command = new Command("export-onnx", """
            Writes the network as a standard ONNX model (opset 13, IR 7): input "input" float32 [N, 3, H, W], output
            "heatmaps" float32 [N, stacks, joints, H/4, W/4], batch norms folded into the convolutions.
            With --dynamic-size the height and width are symbolic (H, W), so one file serves every input size.
            An int8 model (hourglass quantize) is written in QDQ form (QuantizeLinear/DequantizeLinear around the float
            operators), which ONNX Runtime fuses into QLinearConv.
            Examples: hourglass export-onnx --model hg2.hgw --out hg2.onnx
                      hourglass export-onnx --stacks 2 --block depthwise --depth 3 --out hg2-dw.onnx
                      hourglass export-onnx --model hg2.hgw --dynamic-size --out hg2-any-size.onnx
                      hourglass export-onnx --stacks 8 --seed 1 --out hg8-random.onnx
            """)
        {
            output, model, stacks, features, joints, size, dynamicSize, seed, batch,
        };
        foreach (var option in shape.All)
            command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(cancellation =>
        {
            Option[] shapeOptions = [stacks, features, joints, seed, .. shape.All];
            var modelFile = result.GetValue(model);
            if (modelFile is not null && shapeOptions.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } extra)
                throw new ArgumentException($"{extra.Name} describes random weights; it cannot be combined with --model (the model file fixes the shape).");
            var inputSize = InputSize.ParseOptional(result.GetValue(size), "--size");
            if (inputSize is not null && result.GetValue(dynamicSize))
                throw new ArgumentException("--size fixes the input size and --dynamic-size leaves it open; give one of them.");
            var (network, source) = modelFile is not null
                ? Load(modelFile)
                : Random(shape.Apply(new HourglassArchitecture(result.GetValue(stacks), result.GetValue(features), result.GetValue(joints),
                    (inputSize ?? new InputSize(256, 256)).Height, (inputSize ?? new InputSize(256, 256)).Width), result), result.GetValue(seed));
            if (inputSize is { } chosen)
                network = network.WithInputSize(chosen.Height, chosen.Width);
            return Execute(network, source, result.GetValue(output)!,
                new OnnxExportOptions { Batch = result.GetValue(batch), DynamicSize = result.GetValue(dynamicSize) }, cancellation);
        }));
        return command;
    }

    private static int Execute(HourglassModelFile network, string source, FileInfo output, OnnxExportOptions options, CancellationToken cancellation)
    {
        if (options.Batch is < 1)
            throw new ArgumentException("--batch must be at least 1.");
        cancellation.ThrowIfCancellationRequested(); // interrupted while loading: write nothing
        var summary = HourglassOnnxExporter.ExportToFile(network, output.FullName, options);
        var architecture = network.Architecture;
        string shape = options.DynamicSize
            ? $"{architecture.Stacks} stack(s), {architecture.Features} features, {architecture.Joints} joints, input N x 3 x H x W (dynamic)"
            : architecture.ToString();
        string form = network.Precision == ModelPrecision.Float32 ? "" : $", {QuantizedModel.NameOf(network.Precision)} in QDQ form";
        Console.WriteLine($"wrote {output.FullName} from {source} ({shape}{form}): {summary}");
        return 0;
    }

    private static (HourglassModelFile, string) Random(HourglassArchitecture architecture, int seed) =>
        (new HourglassModelFile(architecture, HourglassWeights.CreateRandom(architecture, seed)), $"random weights, seed {seed}");

    private static (HourglassModelFile, string) Load(FileInfo file)
    {
        if (!file.Exists)
            throw new FileNotFoundException($"The model file '{file.FullName}' does not exist.");
        return (HourglassModelFile.Load(file.FullName), file.Name);
    }
}

using System.CommandLine;
using System.Globalization;
using HourglassSimd.Pruning;
using HourglassSimd.Tools.Pose;
using HourglassSimd.Quantization;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass prune</c>: channel surgery on an <c>.hgw</c> model (residual inner channels and the stem convolution's outputs) (<see cref="ChannelPruner"/>, filter-L1 criterion,
/// since a model file's batch norms are folded). No fine-tuning: that is the training CLI's <c>--prune-from</c>.
/// </summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { HelpName = "model.hgw", Description = "Model to prune (.hgw).", Required = true };
        var output = new Option<string>("--out") { HelpName = "pruned.hgw", Description = "Pruned model file to write.", Required = true };
        var targetMacs = new Option<double?>("--target-macs") { Description = "Keep at most this share of the MACs per image, in (0, 1], e.g. 0.5." };
        var targetParameters = new Option<double?>("--target-params") { Description = "Keep at most this share of the parameters instead, in (0, 1]." };
        var keepStem = new Option<bool>("--keep-stem") { Description = "Leave the 7x7 stem convolution's 64 outputs whole (by default they are pruned with the rest)." };
        var widthMultiple = new Option<int>("--width-multiple")
        {
            Description = "Round every kept width up to a multiple of this (never above the module's own width): 1 keeps exactly the channels that pass; 8 or 16 match vector widths.",
            DefaultValueFactory = _ => 1,
        };
        var scope = new Option<string>("--scope") { Description = "global (one threshold over all modules, the default) or module (every module keeps the same share).", DefaultValueFactory = _ => "global" };
        var command = new Command("prune", """
            Removes whole inner channels of the residual modules (conv1 and conv2 outputs) and outputs of the 7x7 stem
            convolution, the L1 norm of their folded filters ranking them, until the network keeps at most the requested
            share of MACs or parameters, and writes
            the smaller model with the same metadata. The residual stream keeps its width. Accuracy drops until the
            pruned network is fine-tuned (hourglass-train --prune-from; docs/model-zoo.md).
            Example: hourglass prune --model models/hourglass-demo.hgw --target-macs 0.5 --out demo-50.hgw
            """)
        {
            model, output, targetMacs, targetParameters, scope, keepStem, widthMultiple,
        };
        command.SetAction(result => CliErrors.Run(cancellation =>
        {
            double? macs = result.GetValue(targetMacs), parameters = result.GetValue(targetParameters);
            if ((macs is null) == (parameters is null))
                throw new ArgumentException("give one of --target-macs and --target-params.");
            double ratio = (macs ?? parameters)!.Value;
            if (!(ratio > 0 && ratio <= 1))
                throw new ArgumentException($"{(macs is null ? "--target-params" : "--target-macs")} must be in (0, 1], not {ratio.ToString(CultureInfo.InvariantCulture)}.");
            int multiple = result.GetValue(widthMultiple);
            if (multiple < 1 || multiple > HourglassArchitecture.MaxFeatures)
                throw new ArgumentException($"--width-multiple must be from 1 to {HourglassArchitecture.MaxFeatures}, not {multiple}.");
            var pruningScope = result.GetValue(scope) switch
            {
                "global" => PruningScope.Global,
                "module" => PruningScope.PerModule,
                var other => throw new ArgumentException($"--scope must be global or module, not '{other}'."),
            };
            return Execute(result.GetValue(model)!, result.GetValue(output)!, new PruningOptions
            {
                Ratio = ratio,
                Target = macs is null ? PruningTarget.Parameters : PruningTarget.Macs,
                Scope = pruningScope,
                PruneStem = !result.GetValue(keepStem),
                WidthMultiple = multiple,
            }, cancellation);
        }));
        return command;
    }

    private static int Execute(string modelPath, string outputPath, PruningOptions options, CancellationToken cancellation)
    {
        OutputFileChecks.Check(modelPath, "--model", outputPath);
        var file = ModelLoading.Load(modelPath);
        if (file.Precision != ModelPrecision.Float32)
            throw new ArgumentException($"{modelPath} is quantized ({QuantizedModel.NameOf(file.Precision)}); prune its float original, then quantize the pruned model.");
        cancellation.ThrowIfCancellationRequested();
        var result = ChannelPruner.Prune(file.Architecture, file.Weights, options);
        cancellation.ThrowIfCancellationRequested(); // interrupted: write nothing
        var metadata = file.Metadata with { Source = $"{file.Metadata.Source ?? Path.GetFileName(modelPath)}, pruned" };
        new HourglassModelFile(result.Architecture, result.Weights, metadata).Save(outputPath);

        var c = CultureInfo.InvariantCulture;
        int narrowed = result.Modules.Count(m => m.WidthAfter < m.WidthBefore);
        Console.WriteLine($"model        {modelPath}: {file.Architecture}");
        Console.WriteLine(string.Create(c, $"MACs         {result.MacsBefore:N0} -> {result.MacsAfter:N0} per image ({100.0 * result.MacsAfter / result.MacsBefore:F1}%)"));
        Console.WriteLine(string.Create(c, $"parameters   {result.ParametersBefore:N0} -> {result.ParametersAfter:N0} ({100.0 * result.ParametersAfter / result.ParametersBefore:F1}%)"));
        Console.WriteLine(string.Create(c, $"modules      {narrowed} of {result.Modules.Count} narrowed; inner widths kept {result.Modules.Sum(m => m.WidthAfter):N0} of {result.Modules.Sum(m => m.WidthBefore):N0} channels"));
        Console.WriteLine($"stem         {result.StemChannelsBefore} -> {result.Architecture.StemChannels} channels of the 7x7 convolution");
        foreach (var module in result.Modules.Where(m => m.WidthAfter < m.WidthBefore).Take(8))
            Console.WriteLine($"             {module.Prefix}: {module.WidthBefore} -> {module.WidthAfter}");
        if (narrowed > 8)
            Console.WriteLine($"             ... and {narrowed - 8} more");
        Console.WriteLine($"wrote        {Path.GetFullPath(outputPath)} ({new FileInfo(outputPath).Length.ToString("N0", c)} bytes); fine-tune it before use (accuracy drops until then)");
        return 0;
    }
}

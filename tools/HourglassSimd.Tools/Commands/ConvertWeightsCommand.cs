using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HourglassSimd.Pose;
using HourglassSimd.Interop.Checkpoints;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass convert-weights</c>: reads a training checkpoint (TorchSharp <c>Module.save</c>, PyTorch <c>torch.save</c>
/// zip or safetensors), checks it against the architecture it implies and writes an <c>.hgw</c> model file.
/// </summary>
internal static class ConvertWeightsCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint to convert: TorchSharp Module.save (.dat), PyTorch torch.save (.pt/.pth) or .safetensors.", Required = true };
        var output = new Option<string>("--out") { Description = "Model file to write (.hgw).", Required = true };
        var stacks = new Option<int?>("--stacks") { Description = "Expected number of stacks (checked against the checkpoint)." };
        var features = new Option<int?>("--features") { Description = "Expected feature width (checked against the checkpoint)." };
        var joints = new Option<int?>("--joints") { Description = "Expected heatmaps per stack (checked against the checkpoint)." };
        var inputSize = new Option<int?>("--input-size")
        {
            Description = "Input height and width in pixels, a multiple of 64. Default: the inputSize in the training project's " +
                          "metadata beside the checkpoint (NAME.json for NAME.dat) when there is one, else 256 (checkpoints do not record it).",
        };
        var normalization = new Option<string?>("--normalization") { Description = "Input normalization of the weights: pv (pixel/255, the default) or bp (pixel/255 minus the bearpaw mean)." };
        var mean = new Option<string?>("--mean") { Description = "Custom per-channel mean on the 0..1 scale, 'r,g,b' (instead of --normalization)." };
        var std = new Option<string?>("--std") { Description = "Custom per-channel std on the 0..1 scale, 'r,g,b' (instead of --normalization)." };
        var jointsLayout = new Option<string?>("--joints-layout")
        {
            HelpName = "mpii|coco|layout.json",
            Description = "What the heatmaps mean, stored in the model: mpii (16 joints), coco (17) or a JSON layout file (format in docs/cli.md). " +
                          "Default: guessed from the joint count (16 mpii, 17 coco, otherwise joint_0, joint_1, ...) and recorded as assumed.",
        };
        var command = new Command("convert-weights", """
            Converts a training checkpoint into an .hgw model file. Stacks, features and joints are inferred from the
            tensors; key prefixes such as 'module.' are stripped; num_batches_tracked and princeton-vl's unused identity
            shortcuts are ignored; every other tensor must match the architecture (missing, unexpected, mis-shaped and
            NaN/Inf tensors are listed). Formats and conversion rules: docs/checkpoint-formats.md.
            Example: hourglass convert-weights --checkpoint posenet-epoch-100.dat --out posenet.hgw
            """)
        {
            checkpoint, output, stacks, features, joints, inputSize, normalization, mean, std, jointsLayout,
        };
        command.SetAction(result => CliErrors.Run(cancellation => Execute(
            result.GetValue(checkpoint)!, result.GetValue(output)!, result.GetValue(inputSize),
            new ConversionOptions
            {
                Stacks = result.GetValue(stacks),
                Features = result.GetValue(features),
                Joints = result.GetValue(joints),
                Normalization = ParseNormalization(result.GetValue(normalization), result.GetValue(mean), result.GetValue(std)),
                JointLayout = ParseJointLayout(result.GetValue(jointsLayout)),
            }, cancellation)));
        return command;
    }

    private static int Execute(string checkpointPath, string outputPath, int? inputSize, ConversionOptions options, CancellationToken cancellation)
    {
        OutputFileChecks.Check(checkpointPath, "--checkpoint", outputPath);
        // A checkpoint does not record the input size its network was trained at; the trainer's metadata file does.
        int? recorded = inputSize is null ? TrainerMetadataFile.ReadInputSize(checkpointPath) : null;
        options = options with { InputSize = inputSize ?? recorded ?? options.InputSize };
        string sizeSource = inputSize is not null ? "--input-size"
            : recorded is not null ? $"from {Path.GetFileName(TrainerMetadataFile.PathFor(checkpointPath))}, the trainer's metadata"
            : "the default; no trainer's metadata beside the checkpoint, give --input-size for another";

        var clock = Stopwatch.StartNew();
        // The architecture is checked against the tensors' stated sizes before any data is read or inflated.
        var checkpoint = CheckpointReader.Read(checkpointPath, tensors => CheckpointConverter.CheckSizes(tensors, options));
        var readTime = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested(); // an interrupt during a step: stop before the next one, write nothing
        var converted = CheckpointConverter.Convert(checkpoint, options with { Source = Path.GetFileName(checkpointPath) });
        var convertTime = clock.Elapsed - readTime;

        cancellation.ThrowIfCancellationRequested();
        // Save writes a temporary file beside the destination and renames it: never a partial model file.
        converted.Model.Save(outputPath);
        var total = clock.Elapsed;

        var arch = converted.Model.Architecture;
        Console.WriteLine($"checkpoint     {checkpointPath}: {checkpoint.FormatName}, {checkpoint.Tensors.Count} tensors, {Size(new FileInfo(checkpointPath).Length)}");
        foreach (string note in checkpoint.Notes)
            Console.WriteLine($"               {note}");
        var converted32 = checkpoint.Tensors.Where(t => t.Data is not null && t.ElementType != TensorElementType.Float32)
            .GroupBy(t => t.ElementType).Select(g => $"{g.Count()} {g.Key.TorchName()}").ToList();
        if (converted32.Count > 0)
            Console.WriteLine($"               converted to float32: {string.Join(", ", converted32)} tensor(s)");
        Console.WriteLine($"key prefix     {(converted.Prefix.Length == 0 ? "none" : $"'{converted.Prefix}' stripped")}");
        Console.WriteLine($"architecture   {arch}");
        Console.WriteLine($"input size     {arch.InputHeight}x{arch.InputWidth} ({sizeSource})");
        Console.WriteLine($"parameters     {arch.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} (convolution weights and biases, batch-norm gamma and beta)");
        if (converted.Ignored.Count == 0)
            Console.WriteLine("ignored        nothing");
        foreach (var (group, index) in converted.Ignored.GroupBy(i => i.Reason).Select((g, i) => (g, i)))
            Console.WriteLine($"{(index == 0 ? "ignored" : ""),-15}{group.Count()} {Describe(group.Key, group.Count())}");
        Console.WriteLine($"normalization  {NormalizationName(converted.Model.Normalization)}: {converted.Model.Normalization}");
        var layout = converted.Model.JointLayout;
        Console.WriteLine($"joint layout   {layout}{(converted.Model.JointLayoutAssumed ? " (assumed from the joint count; state it with --joints-layout)" : "")}");
        Console.WriteLine($"wrote          {outputPath}: {Size(new FileInfo(outputPath).Length)}");
        Console.WriteLine($"time           {total.TotalSeconds:F2} s (read {readTime.TotalSeconds:F2} s, validate and fold {convertTime.TotalSeconds:F2} s, write {(total - readTime - convertTime).TotalSeconds:F2} s)");
        return 0;
    }

    private static string Describe(IgnoredTensorReason reason, int count) => reason switch
    {
        IgnoredTensorReason.BatchNormStepCounter => "num_batches_tracked (batch-norm step counters, unused at inference)",
        IgnoredTensorReason.UnusedIdentityShortcut =>
            $"skip_layer.conv.* of residuals with in = out (princeton-vl's unused identity shortcuts, hourglass-spec §1.7; {count / 2} residual(s))",
        _ => reason.ToString(),
    };

    private static string NormalizationName(InputNormalization normalization) =>
        normalization == InputNormalization.Default ? "pv" : normalization == InputNormalization.MeanSubtracted ? "bp" : "custom";

    private static string Size(long bytes) => bytes >= 1 << 20
        ? $"{bytes / 1048576.0:F1} MiB ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)"
        : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";

    /// <summary>pv (default), bp, or a custom --mean/--std (each 'r,g,b'; a missing one defaults to 0 or 1).</summary>
    internal static InputNormalization ParseNormalization(string? preset, string? mean, string? std)
    {
        if (preset is not null && (mean is not null || std is not null))
            throw new ArgumentException("give either --normalization or --mean/--std, not both.");
        if (mean is not null || std is not null)
            return new InputNormalization(ParseTriple("--mean", mean) ?? [0, 0, 0], ParseTriple("--std", std) ?? [1, 1, 1]);
        return preset?.ToLowerInvariant() switch
        {
            null or "pv" => InputNormalization.Default,
            "bp" => InputNormalization.MeanSubtracted,
            _ => throw new ArgumentException($"--normalization '{preset}' is not one of pv, bp."),
        };
    }

    /// <summary>mpii / mpii16, coco / coco17 (any case), or the path of a JSON layout file; null stays null (guess it).</summary>
    internal static JointLayout? ParseJointLayout(string? value)
    {
        switch (value?.ToLowerInvariant())
        {
            case null:
                return null;
            case "mpii" or "mpii16":
                return JointLayout.Mpii16;
            case "coco" or "coco17":
                return JointLayout.Coco17;
        }
        if (Directory.Exists(value))
            throw new ArgumentException($"--joints-layout '{value}' is a folder; give mpii, coco or a JSON layout file.");
        if (!File.Exists(value))
            throw new FileNotFoundException($"--joints-layout '{value}' is neither mpii nor coco nor an existing JSON layout file.", value);
        try
        {
            return JointLayoutJson.ReadFile(value);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"--joints-layout {value}: {e.Message}", e);
        }
    }

    private static float[]? ParseTriple(string option, string? text)
    {
        if (text is null)
            return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        if (parts.Length != 3 || parts.Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            throw new ArgumentException($"{option} '{text}' is not three comma-separated numbers 'r,g,b'.");
        return values;
    }
}

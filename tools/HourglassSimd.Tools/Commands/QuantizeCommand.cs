using System.CommandLine;
using System.Globalization;
using HourglassSimd.Datasets;
using HourglassSimd.IO;
using HourglassSimd.Imaging;
using HourglassSimd.Interop.Npy;
using HourglassSimd.Pose;
using HourglassSimd.Quantization;
using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass quantize</c>: post-training int8 quantization of an <c>.hgw</c> model (<see cref="HourglassQuantizer"/>),
/// calibrated on person crops made by the pose pre-processing (from MPII-style annotations and their images), on whole
/// images of a folder, or on network inputs in a <c>.npy</c> file.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { HelpName = "model.hgw", Description = "Float model to quantize (.hgw).", Required = true };
        var calibration = new Option<string>("--calibration")
        {
            HelpName = "annotations.json | folder | inputs.npy",
            Description = "Calibration data: MPII-style annotations (with --images; their training people are cropped as eval crops them), a folder of images (each whole image one crop), or a .npy of network inputs (N, 3, H, W).",
            Required = true,
        };
        var images = new Option<string?>("--images") { HelpName = "folder", Description = "The images the annotations name." };
        var output = new Option<string>("--out") { HelpName = "quantized.hgw", Description = "Quantized model file to write.", Required = true };
        var precision = new Option<string>("--precision")
        {
            Description = "int8 (the default: about 0.3x the float file) or int16 (about 0.5x, closer to float32; with minmax or percentile).",
            DefaultValueFactory = _ => "int8",
        };
        var method = new Option<string>("--method") { Description = "How activation ranges are calibrated: minmax (the default), percentile, or mse (the range of least expected error; reads the crops twice).", DefaultValueFactory = _ => "minmax" };
        var percentile = new Option<double>("--percentile") { Description = "With --method percentile: the share of values (%) kept in range at each end.", DefaultValueFactory = _ => 99.99 };
        var report = new Option<string?>("--report") { HelpName = "tensors.csv", Description = "Also write every tensor's range, scale, zero point and SQNR as CSV." };
        var keepFloat = new Option<string?>("--keep-float")
        {
            HelpName = "patterns",
            Description = "Convolutions to keep in float32, comma-separated patterns matched against names and their dotted prefixes, * for any characters (e.g. pre.0,hgs.*.low2).",
        };
        var count = new Option<int>("--max-images") { Description = "Calibration crops to use at most, spread over the data.", DefaultValueFactory = _ => 64 };
        var progressMode = ProgressOption.Create();
        var command = new Command("quantize", """
            Post-training quantization to int8: weights symmetric per output channel (7-bit, exact on every int8 kernel
            path), activations asymmetric uint8 per tensor with ranges from the calibration crops, run through the
            model's own pre-processing. Prints the calibration, the weight SQNR and the per-stack heatmap SQNR against
            the float model, and writes the quantized model (about a quarter of the float file's size). Every command
            that takes a model runs it. --precision int16: s16 weights within each convolution's overflow bound and
            symmetric s16 activations within +-2047 (about half the float file's size).
            Example: hourglass quantize --model models/hourglass-demo.hgw --calibration people/annotations.json --images people/images --out demo-int8.hgw
            """)
        {
            model, calibration, images, output, precision, method, percentile, keepFloat, count, report, progressMode,
        };
        command.SetAction(result => CliErrors.Run(cancellation =>
        {
            var modelPrecision = result.GetValue(precision) switch
            {
                "int8" => ModelPrecision.Int8,
                "int16" => ModelPrecision.Int16,
                var other => throw new ArgumentException($"--precision must be int8 or int16, not '{other}'."),
            };
            var calibrationMethod = result.GetValue(method) switch
            {
                "minmax" => CalibrationMethod.MinMax,
                "percentile" => CalibrationMethod.Percentile,
                "mse" => CalibrationMethod.Mse,
                var other => throw new ArgumentException($"--method must be minmax, percentile or mse, not '{other}'."),
            };
            int maxImages = result.GetValue(count);
            if (maxImages < 1)
                throw new ArgumentException($"--max-images must be at least 1, not {maxImages}.");
            if (modelPrecision == ModelPrecision.Int16 && calibrationMethod == CalibrationMethod.Mse)
                throw new ArgumentException("--method mse searches the clipping range of a u8 grid; with --precision int16 use minmax or percentile.");
            var options = new QuantizationOptions
            {
                Precision = modelPrecision,
                Method = calibrationMethod,
                Percentile = result.GetValue(percentile),
                KeepFloat = result.GetValue(keepFloat)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            };
            if (options.Percentile is < 90 or > 100)
                throw new ArgumentException($"--percentile must be from 90 to 100, not {options.Percentile.ToString(CultureInfo.InvariantCulture)}.");
            return Execute(result.GetValue(model)!, result.GetValue(calibration)!, result.GetValue(images), result.GetValue(output)!, options, maxImages,
                result.GetValue(report), result.GetValue(progressMode), cancellation);
        }));
        return command;
    }

    private static int Execute(string modelPath, string calibrationPath, string? imageFolder, string outputPath, QuantizationOptions options, int maxImages,
        string? reportPath, ProgressMode progressMode, CancellationToken cancellation)
    {
        OutputFileChecks.Check(modelPath, "--model", outputPath);
        if (reportPath is not null)
        {
            OutputFileChecks.Check(modelPath, "--model", reportPath);
            AtomicFile.RefuseNonRegular(reportPath);
        }
        var file = ModelLoading.Load(modelPath);
        if (file.Precision != ModelPrecision.Float32)
            throw new ArgumentException($"{modelPath} is already quantized ({QuantizedModel.NameOf(file.Precision)}); quantize its float original instead.");
        var crops = CalibrationCrops(file, calibrationPath, imageFolder, maxImages);
        Console.WriteLine($"model        {modelPath}: {file.Architecture}");
        Console.WriteLine($"calibration  {crops.Count} crops from {calibrationPath}, {QuantizerMethodText(options)}");
        if (options.KeepFloat.Count > 0)
            Console.WriteLine($"float32      convolutions matching {string.Join(", ", options.KeepFloat)}");

        var progress = ProgressReporter.ForConsole(options.Method == CalibrationMethod.Mse ? 2 * crops.Count : crops.Count, "crops", progressMode);
        progress.Start();
        var reporter = new Progress(progress, cancellation);
        QuantizationResult result;
        try
        {
            result = HourglassQuantizer.Quantize(file, crops, options, reporter);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            progress.Finish();
            Console.Error.WriteLine($"interrupted: {progress.Done} of {crops.Count} calibration crops done; nothing written");
            return ExitCodes.Interrupted;
        }
        progress.Finish();
        string precisionName = QuantizedModel.NameOf(options.Precision);
        var metadata = file.Metadata with { Source = $"{file.Metadata.Source ?? Path.GetFileName(modelPath)}, {precisionName}" };
        var quantized = result.Model;
        // The quantizer keeps the metadata; the source says what was done.
        quantized = HourglassModelFile.WithMetadata(quantized, metadata);
        cancellation.ThrowIfCancellationRequested(); // interrupted: write nothing
        quantized.Save(outputPath);

        var c = CultureInfo.InvariantCulture;
        var weights = result.Tensors.Where(t => t.Kind == "weights").ToList();
        var activations = result.Tensors.Where(t => t.Kind == "activation").ToList();
        var worst = weights.MinBy(t => t.SqnrDb);
        Console.WriteLine(weights.Count == 0
            ? "weights      every convolution kept in float32"
            : string.Create(c, $"weights      {weights.Count} convolutions, {(options.Precision == ModelPrecision.Int16 ? "s16 per output channel (|w| within each one's bound)" : "s8 per output channel (|w| <= 63)")}: SQNR {weights.Min(t => t.SqnrDb):F1} to {weights.Max(t => t.SqnrDb):F1} dB (lowest {worst!.Name})"));
        var widest = activations.MaxBy(t => t.Max - t.Min)!;
        Console.WriteLine(string.Create(c, $"activations  {activations.Count} calibrated; widest range {widest.Name} [{widest.Min:G4}, {widest.Max:G4}] (scale {widest.Scale:G4}, zero point {widest.ZeroPoint}); the 5 with the most error:"));
        foreach (var tensor in activations.Where(t => double.IsFinite(t.SqnrDb)).OrderBy(t => t.SqnrDb).Take(5))
            Console.WriteLine(string.Create(c, $"             {tensor.Name}: SQNR {tensor.SqnrDb:F1} dB against float32, range [{tensor.Min:G4}, {tensor.Max:G4}]"));
        Console.WriteLine(string.Create(c, $"heatmaps     SQNR against float32 per stack: {string.Join(", ", result.HeatmapSqnrDb.Select(d => d.ToString("F1", c) + " dB"))} (on {Math.Min(options.ComparisonImages, crops.Count)} calibration crops)"));
        if (reportPath is not null)
        {
            AtomicFile.WriteAllText(reportPath, ReportCsv(result.Tensors));
            Console.WriteLine($"report       {Path.GetFullPath(reportPath)} ({result.Tensors.Count} tensors)");
        }
        long before = new FileInfo(modelPath).Length, after = new FileInfo(outputPath).Length;
        Console.WriteLine(string.Create(c, $"wrote        {Path.GetFullPath(outputPath)} ({after:N0} bytes, {(double)after / before:F2}x the float file)"));
        return 0;
    }

    private static string ReportCsv(IReadOnlyList<QuantizedTensorReport> tensors)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder("tensor,kind,min,max,scale,zero_point,sqnr_db\n");
        foreach (var t in tensors)
            text.Append(string.Create(c, $"{t.Name},{t.Kind},{t.Min:R},{t.Max:R},{t.Scale:R},{t.ZeroPoint},{t.SqnrDb:F2}\n"));
        return text.ToString();
    }

    private static string QuantizerMethodText(QuantizationOptions options) =>
        options.Method == CalibrationMethod.Percentile
            ? string.Create(CultureInfo.InvariantCulture, $"percentile {options.Percentile}")
            : HourglassQuantizer.Name(options.Method);

    /// <summary>The calibration crops, as network inputs at the model's size, read and checked before any work.</summary>
    private static List<float[]> CalibrationCrops(HourglassModelFile file, string path, string? imageFolder, int maxImages)
    {
        var arch = file.Architecture;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"calibration '{path}' does not exist.", path);
            var array = NpyReader.Read(path);
            int perImage = arch.InputChannels * arch.InputHeight * arch.InputWidth;
            if (array.Shape is not [>= 1, 3, var h, var w] || h != arch.InputHeight || w != arch.InputWidth)
                throw new InvalidDataException($"{path}: shape {NpyArray.FormatShape(array.Shape)}; calibration inputs must be (N, 3, {arch.InputHeight}, {arch.InputWidth}), the model's input size.");
            int n = Math.Min(array.Shape[0], maxImages);
            return [.. Enumerable.Range(0, n).Select(i => array.Data.AsSpan(i * perImage, perImage).ToArray())];
        }
        var sampler = new CropSampler();
        var loader = new ImageLoader();
        var crops = new List<float[]>();
        if (Directory.Exists(path))
        {
            foreach (string image in ImageInputs.Resolve(path).Files.Take(maxImages))
            {
                var rgb = LoadImage(loader, image);
                float side = Math.Max(rgb.Width, rgb.Height);
                crops.Add(Crop(sampler, rgb, new PersonBox(rgb.Width / 2f, rgb.Height / 2f, side / PersonBox.PixelsPerScale), file));
            }
            return crops;
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"calibration '{path}' does not exist (give annotations with --images, a folder of images, or a .npy).", path);
        if (imageFolder is null)
            throw new ArgumentException("--calibration with annotations needs --images, the folder of the images they name.");
        if (!Directory.Exists(imageFolder))
            throw new DirectoryNotFoundException($"image folder '{imageFolder}' does not exist.");
        IReadOnlyList<MpiiAnnotation> records;
        try
        {
            records = MpiiAnnotationReader.ReadFile(path);
        }
        catch (AnnotationFormatException e)
        {
            throw new InvalidDataException(e.Message.Split('\n')[0], e);
        }
        // Training people (not the validation people that eval scores), spread evenly over the file.
        var pool = records.Where(a => !a.IsValidation).ToList() is { Count: > 0 } training ? training : [.. records];
        if (pool.Count == 0)
            throw new InvalidDataException($"{Path.GetFileName(path)} holds no person to calibrate on.");
        int take = Math.Min(maxImages, pool.Count);
        foreach (var group in Enumerable.Range(0, take).Select(i => pool[(int)((long)i * pool.Count / take)]).GroupBy(a => a.ImagePath))
        {
            var rgb = LoadImage(loader, Path.Combine(imageFolder, group.Key));
            foreach (var person in group)
                crops.Add(Crop(sampler, rgb, person.Box, file));
        }
        return crops;
    }

    private static RgbImage LoadImage(ImageLoader loader, string path)
    {
        try
        {
            return loader.Load(path);
        }
        catch (ImageLoadException e)
        {
            throw new InvalidDataException($"calibration image: {e.Message}", e);
        }
    }

    private static float[] Crop(CropSampler sampler, RgbImage image, PersonBox box, HourglassModelFile file)
    {
        var crop = new float[file.Architecture.InputChannels * file.Architecture.InputHeight * file.Architecture.InputWidth];
        sampler.Sample(image, CropTransform.For(box, file.Architecture), file.Normalization, crop);
        return crop;
    }

    /// <summary>Advances the console progress and stops the quantizer between crops on Ctrl+C.</summary>
    private sealed class Progress(ProgressReporter reporter, CancellationToken cancellation) : IProgress<int>
    {
        public void Report(int value)
        {
            reporter.Advance();
            cancellation.ThrowIfCancellationRequested();
        }
    }
}

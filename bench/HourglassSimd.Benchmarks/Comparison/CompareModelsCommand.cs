using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.Training;

namespace HourglassSimd.Benchmarks.Comparison;

/// <summary>
/// <c>dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- compare-models --model a.hgw --model b.hgw ...</c>:
/// several models (a model zoo's variants) timed in one process, each on HourglassSimd and ONNX Runtime with its own
/// weights, all runners interleaved (<see cref="InterleavedTimer"/>), so that the ratios between models come from one
/// stretch of time. Prints parameters, MACs, file size, median milliseconds and the speed-up over the first model;
/// with annotations, also each model's PCKh@0.5 (flip test on) and, with <c>--plot</c>, the speed-accuracy chart
/// (<see cref="TradeOffPlot"/>) of docs/model-zoo.md.
/// </summary>
internal static class CompareModelsCommand
{
    public static RootCommand Create()
    {
        var models = new Option<FileInfo[]>("--model") { Description = "A .hgw to time; give it once per model, the first being the baseline of the speed-ups.", Required = true, AllowMultipleArgumentsPerToken = false };
        var size = new Option<string?>("--size") { HelpName = "size", Description = "Input size for every model: N (square) or HEIGHTxWIDTH, multiples of 64; default each model's own." };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads per forward pass, for every engine.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var runs = new Option<int>("--runs") { Description = $"Timed passes per model and engine (after {InterleavedTimer.WarmupRuns} warm-up passes), spread over up to 5 interleaved rounds.", DefaultValueFactory = _ => 30 };
        var noOrt = new Option<bool>("--no-onnxruntime") { Description = "Time HourglassSimd only." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        var annotations = new Option<FileInfo?>("--annotations") { Description = "MPII-style annotations: also evaluate each model's PCKh@0.5 (flip test on) on their validation records, before the timing." };
        var images = new Option<DirectoryInfo?>("--images") { Description = "The folder the annotations' image paths are relative to (with --annotations)." };
        var plot = new Option<FileInfo?>("--plot") { Description = "Also draw median ms against PCKh as a PNG chart to this file (needs --annotations)." };
        var command = new RootCommand("""
            Times several .hgw models on HourglassSimd and ONNX Runtime (the same folded weights), every runner interleaved
            in one process, and prints per model its parameters, MACs, file size, median and min milliseconds, ONNX
            Runtime's median over ours, and our speed-up over the first model. With --annotations, also each model's
            PCKh@0.5 on their validation people, and with --plot a PNG chart of speed against accuracy.
            Example: dotnet run -c Release --project bench/HourglassSimd.Benchmarks -- compare-models --model models/hourglass-demo.hgw --model pruned.hgw --threads 2
            Example: ... compare-models --model a.hgw --model a-int8.hgw --annotations people/annotations.json --images people/images --plot zoo.png
            """)
        {
            models, size, batch, threads, runs, noOrt, json, annotations, images, plot,
        };
        command.SetAction(result => Run(result.GetValue(models)!, result.GetValue(size), result.GetValue(batch), result.GetValue(threads),
            result.GetValue(runs), !result.GetValue(noOrt), result.GetValue(json),
            new Validation(result.GetValue(annotations), result.GetValue(images), result.GetValue(plot))));
        return command;
    }

    private sealed record Entry(string Path, long FileBytes, HourglassArchitecture Architecture, IForwardRunner Ours, IForwardRunner? Ort, bool Quantized, double? Pckh);

    /// <summary>Where the accuracy comes from, and where its chart goes; all null when only timing.</summary>
    private sealed record Validation(FileInfo? Annotations, DirectoryInfo? Images, FileInfo? Plot);

    private static int Run(FileInfo[] files, string? size, int batch, int threads, int runs, bool withOrt, FileInfo? json, Validation validation)
    {
        var c = CultureInfo.InvariantCulture;
        var entries = new List<Entry>();
        try
        {
            if (batch < 1 || runs < 1 || threads < 1)
                throw new ArgumentException("--batch, --runs and --threads must be at least 1.");
            (int Height, int Width)? side = size is null ? null : CompareCommand.ParseSize(size);
            var people = ReadValidationPeople(validation);
            var random = new Random(2);
            foreach (var file in files)
            {
                var model = HourglassModelFile.Load(file.FullName);
                var arch = side is { } s ? model.Architecture.WithInputSize(s.Height, s.Width) : model.Architecture;
                var input = new float[batch * arch.InputSizePerImage];
                for (int i = 0; i < input.Length; i++)
                    input[i] = random.NextSingle();
                var runners = ForwardRunners.Create(new ForwardSetup(arch, model.Weights, input, threads) { Model = model },
                    withOrt ? [ForwardRunners.HourglassSimd, ForwardRunners.OnnxRuntime] : [ForwardRunners.HourglassSimd]);
                double? pckh = people is null ? null : Pckh(model, side, threads, people, validation.Images!.FullName);
                entries.Add(new Entry(file.FullName, file.Length, arch, runners[0], withOrt ? runners[1] : null, model.Precision != ModelPrecision.Float32, pckh));
                // ONNX Runtime runs an int8 model's QDQ export with its own int8 kernels: the pipelines round a few float
                // steps differently (docs/quantization.md), so there is a difference to show, not a bound to require.
                bool quantized = model.Precision != ModelPrecision.Float32;
                double difference = ForwardRunners.CheckAgreement(runners, quantized ? double.MaxValue : 1e-4)[^1];
                string agreement = quantized
                    ? string.Create(c, $"; ONNX Runtime runs {(model.Precision == ModelPrecision.Int8 ? "its int8 QDQ export" : "its dequantized weights in float32")}, {difference:E2} of the largest output apart")
                    : string.Create(c, $"; ONNX Runtime agrees within {difference:E2} of the largest output");
                Console.WriteLine($"{file.Name}: {arch}, {runners[0].Description}" + (withOrt ? agreement : "")
                    + (pckh is { } p ? string.Create(c, $"; PCKh@0.5 {p:F2} on {people!.Count} validation people (flip test)") : ""));
            }

            var all = entries.SelectMany(e => e.Ort is null ? new[] { e.Ours } : [e.Ours, e.Ort]).ToArray();
            var timings = InterleavedTimer.Time(all, runs);
            int perModel = withOrt ? 2 : 1;
            double baseline = timings[0].MedianMs;

            Console.WriteLine();
            Console.WriteLine($"batch {batch}, {threads} thread(s), {runs} timed passes per model and engine, interleaved; {entries[0].Ours.Description}");
            Console.WriteLine($"{"model",-28} {"parameters",11} {"MACs",14} {"file bytes",11} {"ours ms",8} {"min",7} {"ORT ms",8} {"min",7} {"ORT/ours",8} {"speed-up",8}{(people is null ? "" : $" {"PCKh",6}")}");
            var records = new List<object>();
            for (int m = 0; m < entries.Count; m++)
            {
                var e = entries[m];
                var ours = timings[m * perModel];
                RunnerTiming? ort = withOrt ? timings[m * perModel + 1] : null;
                string name = Path.GetFileName(e.Path);
                string pckhText = e.Pckh is { } p ? string.Create(c, $" {p,6:F2}") : "";
                Console.WriteLine(string.Create(c,
                    $"{(name.Length > 28 ? name[..28] : name),-28} {e.Architecture.ParameterCount,11:N0} {e.Architecture.MacCount,14:N0} {e.FileBytes,11:N0} {ours.MedianMs,8:F2} {ours.MinMs,7:F2} " +
                    $"{(ort is { } o ? o.MedianMs.ToString("F2", c) : "-"),8} {(ort is { } o2 ? o2.MinMs.ToString("F2", c) : "-"),7} " +
                    $"{(ort is { } o3 ? (o3.MedianMs / ours.MedianMs).ToString("F2", c) : "-"),8} {baseline / ours.MedianMs,7:F2}x{pckhText}"));
                records.Add(new
                {
                    model = name, architecture = e.Architecture.ToString(), parameters = e.Architecture.ParameterCount, macs = e.Architecture.MacCount,
                    file_bytes = e.FileBytes, batch, threads, runs, ours_median_ms = ours.MedianMs, ours_min_ms = ours.MinMs,
                    onnxruntime_median_ms = ort?.MedianMs, onnxruntime_min_ms = ort?.MinMs, speedup_over_first = baseline / ours.MedianMs, pckh = e.Pckh,
                });
            }
            Console.WriteLine("speed-up = the first model's median / this model's median (ours); ORT/ours = ONNX Runtime's median / ours");
            if (json is not null)
            {
                File.WriteAllText(json.FullName, JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {json.FullName}");
            }

            if (validation.Plot is not null)
            {
                var points = entries.Select((e, m) => new TradeOffPoint(Path.GetFileNameWithoutExtension(e.Path), timings[m * perModel].MedianMs, e.Pckh!.Value, e.Quantized)).ToList();
                new TradeOffPlot(points, string.Create(c, $"Speed against accuracy: batch {batch}, {threads} thread{(threads == 1 ? "" : "s")}")).Save(validation.Plot.FullName);
                Console.WriteLine($"wrote {validation.Plot.FullName}");
            }
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or ModelFileException or ImageLoadException)
        {
            Console.Error.WriteLine($"error: {e.Message.Split('\n')[0]}");
            return 1;
        }
        finally
        {
            foreach (var e in entries)
            {
                e.Ours.Dispose();
                e.Ort?.Dispose();
            }
        }
    }

    /// <summary>The annotations' validation people, checked before any model is loaded; null without --annotations.</summary>
    private static List<MpiiAnnotation>? ReadValidationPeople(Validation validation)
    {
        if (validation.Annotations is null)
        {
            if (validation.Images is not null || validation.Plot is not null)
                throw new ArgumentException("--images and --plot need --annotations, the people to measure PCKh on.");
            return null;
        }
        if (validation.Images is null)
            throw new ArgumentException("--annotations needs --images, the folder of the images they name.");
        if (!validation.Images.Exists)
            throw new DirectoryNotFoundException($"image folder '{validation.Images.FullName}' does not exist.");
        if (!validation.Annotations.Exists)
            throw new FileNotFoundException($"annotations '{validation.Annotations.FullName}' do not exist.");
        var people = MpiiAnnotationReader.ReadFile(validation.Annotations.FullName).Where(r => r.IsValidation).ToList();
        if (people.Count == 0)
            throw new InvalidDataException($"{validation.Annotations.Name} has no validation records (isValidation) to measure PCKh on.");
        return people;
    }

    /// <summary>PCKh@0.5 of <paramref name="model"/> with the flip test, its people estimated as <c>hourglass eval</c> does.</summary>
    private static double Pckh(HourglassModelFile model, (int Height, int Width)? size, int threads, List<MpiiAnnotation> people, string images)
    {
        int joints = model.Architecture.Joints;
        if (people.FirstOrDefault(a => a.Joints.Count != joints) is { } mismatch)
            throw new InvalidDataException($"record {mismatch.Index} has {mismatch.Joints.Count} joints but the model outputs {joints}.");
        using var network = model.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = threads });
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions { FlipTest = true, InputSize = size });
        return PckhValidation.Evaluate(new PckhEvaluator(joints), people, images, (image, group) => estimator.Estimate(image, [.. group.Select(a => a.Box)])).Mean;
    }
}

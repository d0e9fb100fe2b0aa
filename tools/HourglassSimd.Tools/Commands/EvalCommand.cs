using HourglassSimd.Datasets;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HourglassSimd.IO;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass eval</c>: PCKh@0.5 of a model on the validation records of an MPII-style annotation file, per body
/// part and in total, with the curve over thresholds 0..0.5. People who share an image are estimated in one batch.
/// Missing or unreadable images are reported and counted (exit code 2), not fatal. An interrupt stops it between
/// images with exit code 130 and writes nothing (a PCKh over part of the set would pass for the whole).
/// </summary>
internal static class EvalCommand
{
    /// <summary>The settings of one run, as parsed.</summary>
    private sealed record Settings(string Model, string Annotations, string Images, bool Flip, bool NoFlip, string? Json, string? Csv, int Threads, ProgressMode Progress, InputSize? InputSize, IReadOnlyList<float> Scales, PeakRefinement Refinement);

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = ShippedModel.OptionDescription, HelpName = "model.hgw" };
        var annotations = new Option<string>("--annotations") { HelpName = "annot.json", Description = "MPII-style annotation JSON (an array of person records, bearpaw's mpii_annotations.json form; fields in docs/pose.md §9). Only records with isValidation are evaluated; each needs normalize or head_rect for its head size.", Required = true };
        var images = new Option<string>("--images") { HelpName = "dir", Description = "Folder the records' img_paths are relative to.", Required = true };
        var flip = new Option<bool>("--flip") { Description = "Flip test: also run the mirrored crop and average (2x the work; the default)." };
        var noFlip = new Option<bool>("--no-flip") { Description = "No flip test." };
        var json = new Option<string>("--json") { HelpName = "out.json", Description = "Also write the results (groups, the three means, per joint with counts, the curve) as JSON to this file." };
        var csv = new Option<string>("--csv") { HelpName = "curve.csv", Description = "Also write the PCKh curve at thresholds 0, 0.05, ..., 0.5 as CSV (threshold, Head, ..., Ankle, Mean) to this file." };
        var threads = new Option<int>("--threads") { HelpName = "n", Description = "Threads per forward pass.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var inputSize = new Option<string?>("--input-size") { HelpName = "size", Description = $"Network input size the person crops are sampled at: {InputSize.Syntax}. Default: the model's own." };
        var scales = new Option<string?>("--scales") { HelpName = "list", Description = $"Multi-scale test: crop each person at these zooms and average the heatmaps ({ScaleList.Syntax}). Each scale is one more crop per person. Default: 1." };
        var refinement = RefinementOption.Create();
        var progress = ProgressOption.Create();
        var command = new Command("eval", """
            Evaluates a model with PCKh@0.5 (a joint is correct when it lies within half a head size of the truth) on the
            validation records of an MPII-style annotation file. Prints Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle and
            Mean (count-weighted over the 14 joints other than pelvis and thorax); boxes come from each record's objpos and
            scale_provided. The first line gives the pose-estimation time per image. Missing images are reported and counted. Ctrl+C (or SIGTERM) stops after the image in progress
            and writes nothing. Exit codes: 0 all images read, 2 some images could not be read, 1 bad arguments, model or
            annotations, 130 interrupted.
            Example: hourglass eval --model hg2.hgw --annotations mpii_annotations.json --images mpii/images --json pckh.json --csv curve.csv
            Example: hourglass eval --model hg2.hgw --annotations mpii_annotations.json --images mpii/images --scales 0.8,1,1.2
            """)
        {
            model, annotations, images, flip, noFlip, json, csv, threads, inputSize, scales, refinement, progress,
        };
        command.SetAction(result => CliErrors.Run(cancellation => Execute(new Settings(
            ShippedModel.Resolve(result.GetValue(model)), result.GetValue(annotations)!, result.GetValue(images)!, result.GetValue(flip), result.GetValue(noFlip),
            result.GetValue(json), result.GetValue(csv), result.GetValue(threads), result.GetValue(progress),
            InputSize.ParseOptional(result.GetValue(inputSize), "--input-size"), ScaleList.ParseOptional(result.GetValue(scales), "--scales"),
            result.GetValue(refinement)), cancellation)));
        return command;
    }

    private static int Execute(Settings settings, CancellationToken cancellation)
    {
        if (settings.Flip && settings.NoFlip)
            throw new ArgumentException("--flip and --no-flip contradict each other; give one.");
        ThreadCount.Check(settings.Threads);
        if (!Directory.Exists(settings.Images))
            throw new DirectoryNotFoundException($"image folder '{settings.Images}' does not exist.");
        foreach (string? output in new[] { settings.Json, settings.Csv })
            if (output is not null)
                AtomicFile.RefuseNonRegular(output);
        var validation = ReadValidationRecords(settings.Annotations);
        var modelFile = ModelLoading.Load(settings.Model);
        ModelLoading.NoteAssumedLayout(modelFile);
        var joints = modelFile.Architecture.Joints;
        if (validation.FirstOrDefault(a => a.Joints.Count != joints) is { } mismatch)
            throw new InvalidDataException($"{Path.GetFileName(settings.Annotations)}: record {mismatch.Index} has {mismatch.Joints.Count} joints but the model outputs {joints}.");

        using var network = modelFile.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = settings.Threads });
        // The model's own input normalization and joint layout: the options leave both null.
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions
        {
            FlipTest = !settings.NoFlip,
            InputSize = settings.InputSize is { } size ? (size.Height, size.Width) : null,
            MaxBatchSize = InferCommand.CropsPerBatch,
            Scales = settings.Scales,
            Refinement = settings.Refinement,
        });
        var evaluator = new PckhEvaluator(joints);
        var loader = new ImageLoader();
        // One estimator call per image, with every person of that image; images in order of first appearance.
        var byImage = validation.GroupBy(a => a.ImagePath, StringComparer.Ordinal).ToList();
        if (byImage.FirstOrDefault(g => g.Count() > BoxesFile.MaxPeoplePerImage) is { } crowded)
            throw new InvalidDataException(
                $"{Path.GetFileName(settings.Annotations)}: {crowded.Count()} people in {crowded.Key}; at most {BoxesFile.MaxPeoplePerImage} people per image.");
        int unreadableImages = 0, peopleInUnreadable = 0, nonFinite = 0;
        // Pose estimation alone (crops, network, decoding), without image decoding, so that flip and scale settings compare.
        // One person on a blank image first builds the network's plan and compiles the code, which the time leaves out.
        var estimation = new Stopwatch();
        estimator.Estimate(new RgbImage(8, 8));

        var progress = ProgressReporter.ForConsole(byImage.Count, "images", settings.Progress);
        progress.Start();
        foreach (var group in byImage)
        {
            if (cancellation.IsCancellationRequested)
                return Interrupted(progress, byImage.Count);
            RgbImage image;
            try
            {
                image = loader.Load(Path.Combine(settings.Images, group.Key));
            }
            catch (ImageLoadException e)
            {
                progress.WriteLine($"skipped: {e.Message} ({Wording.Plural(group.Count(), "person", "people")} not evaluated)");
                unreadableImages++;
                peopleInUnreadable += group.Count();
                progress.Advance();
                continue;
            }
            IReadOnlyList<PoseResult> poses;
            estimation.Start();
            try
            {
                poses = estimator.Estimate(image, [.. group.Select(a => a.Box)], cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return Interrupted(progress, byImage.Count);
            }
            estimation.Stop();
            nonFinite += poses.Count(p => !p.IsFinite);
            foreach (var (pose, annotation) in poses.Zip(group))
                evaluator.Add(pose, annotation);
            progress.Advance();
        }
        progress.Finish();

        var result = evaluator.Evaluate();
        var curve = evaluator.EvaluateCurve();
        int estimatedImages = byImage.Count - unreadableImages;
        double? millisecondsPerImage = estimatedImages > 0 ? estimation.Elapsed.TotalMilliseconds / estimatedImages : null;
        var summary = new EvalSummary(settings.Model, settings.Annotations, settings.Images, estimator.Options.FlipTest, estimator.Options.Scales,
            validation.Count, evaluator.PeopleEvaluated, evaluator.PeopleWithoutHeadSize, peopleInUnreadable, byImage.Count, unreadableImages,
            millisecondsPerImage);

        string perImage = millisecondsPerImage is { } ms ? string.Create(CultureInfo.InvariantCulture, $"; pose estimation {ms:0.0} ms per image") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PCKh@{result.Threshold}: {Wording.Plural(summary.EvaluatedPeople, "person", "people")} in {Wording.Plural(estimatedImages, "image", "images")} " +
            $"({EstimatorSettingsText.Of(estimator.Options)}, {ProgressReporter.FormatDuration(progress.Elapsed)}{perImage})"));
        PckhTable.Write(Console.Out, result, estimator.Layout);
        if (summary.PeopleWithoutHeadSize > 0)
            Console.WriteLine($"not evaluated: {Wording.Plural(summary.PeopleWithoutHeadSize, "person", "people")} without a head size (the record has neither normalize nor head_rect)");
        if (summary.PeopleInUnreadableImages > 0)
            Console.WriteLine($"not evaluated: {Wording.Plural(summary.PeopleInUnreadableImages, "person", "people")} in {Wording.Plural(unreadableImages, "image", "images")} that could not be read");
        if (summary.EvaluatedPeople == 0)
            Console.WriteLine("no person could be evaluated, so there are no PCKh values.");

        if (settings.Json is not null)
        {
            PckhJsonWriter.Write(settings.Json, summary, result, curve, estimator.Layout);
            Console.WriteLine($"wrote {settings.Json}");
        }
        if (settings.Csv is not null)
        {
            PckhCurveWriter.Write(settings.Csv, curve, estimator.Layout);
            Console.WriteLine($"wrote {settings.Csv}");
        }
        if (unreadableImages > 0)
            Console.Error.WriteLine($"{unreadableImages} of {Wording.Plural(byImage.Count, "image", "images")} could not be read");
        if (nonFinite > 0)
        {
            Console.Error.WriteLine(
                $"warning: {nonFinite} of {Wording.Plural(summary.EvaluatedPeople + summary.PeopleWithoutHeadSize, "person", "people")} {(nonFinite == 1 ? "has" : "have")} a NaN or infinite " +
                "keypoint or score: the model's outputs overflow (its weights are broken), so these PCKh values mean nothing.");
            return ExitCodes.NonFiniteOutput;
        }
        return unreadableImages > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
    }

    private static int Interrupted(ProgressReporter progress, int images)
    {
        progress.Finish();
        Console.Error.WriteLine($"interrupted: {progress.Done} of {Wording.Plural(images, "image", "images")} done; no PCKh computed, nothing written");
        return ExitCodes.Interrupted;
    }

    private static List<MpiiAnnotation> ReadValidationRecords(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"annotations '{path}' do not exist.", path);
        IReadOnlyList<MpiiAnnotation> records;
        try
        {
            records = MpiiAnnotationReader.ReadFile(path);
        }
        catch (AnnotationFormatException e)
        {
            throw new InvalidDataException(e.Message.Split('\n')[0], e);
        }
        var validation = records.Where(a => a.IsValidation).ToList();
        if (validation.Count == 0)
            throw new InvalidDataException($"{Path.GetFileName(path)}: none of its {records.Count} records is marked isValidation, so there is nothing to evaluate.");
        return validation;
    }
}

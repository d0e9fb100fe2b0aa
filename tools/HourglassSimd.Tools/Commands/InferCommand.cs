using HourglassSimd.Datasets;
using System.CommandLine;
using HourglassSimd.IO;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary>
/// <c>hourglass infer</c>: poses for one image or every image of a folder. Writes an overlay per image and one
/// COCO keypoint-results JSON file; prints a keypoint table for a single image. Unreadable images are reported and
/// skipped (exit code 2). An interrupt stops it between images (or between batches of one image's people, discarding
/// that image); the results of the images done are written and the exit code is 130.
/// </summary>
internal static class InferCommand
{
    /// <summary>The settings of one run, as parsed.</summary>
    private sealed record Settings(
        string Input, string Model, string[] Boxes, string? BoxesFile, bool Flip, bool NoFlip, string? Out, string? Json,
        int Threads, float Threshold, bool DrawBoxes, ProgressMode Progress, InputSize? InputSize, IReadOnlyList<float> Scales,
        PeakRefinement Refinement);

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "An image file (.png, .jpg, .jpeg, .bmp) or a folder: every such image directly inside it, in file-name order." };
        var model = new Option<string?>("--model") { Description = ShippedModel.OptionDescription, HelpName = "model.hgw" };
        var box = new Option<string[]>("--box")
        {
            HelpName = "x,y,w,h",
            Description = "A person rectangle x,y,w,h in image pixels (left, top, width, height); repeat for several people, " +
                          "estimated in one batch. Applies to every input image. Default: the whole image is one person.",
            Arity = ArgumentArity.OneOrMore,
        };
        var boxes = new Option<string>("--boxes") { HelpName = "boxes.json", Description = "JSON file of rectangles per image file name: {\"a.jpg\": [[x,y,w,h], ...]} or a COCO-style array [{\"image_id\": \"a.jpg\", \"bbox\": [x,y,w,h]}]. Images it does not list use the whole image. See docs/cli.md." };
        var flip = new Option<bool>("--flip") { Description = "Flip test: also run the mirrored crop and average (2x the work; the default)." };
        var noFlip = new Option<bool>("--no-flip") { Description = "No flip test (twice as fast, a little less accurate)." };
        var output = new Option<string>("--out") { HelpName = "dir", Description = "Folder for the overlay images (created). Default: next to the input, '<input>-poses' (photos/ -> photos-poses/, photos/a.jpg -> photos/a-poses/)." };
        var json = new Option<string>("--json") { HelpName = "results.json", Description = "Results file (COCO keypoint-results array). Default: results.json in the --out folder." };
        var threads = new Option<int>("--threads") { HelpName = "n", Description = "Threads per forward pass.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var threshold = new Option<float>("--threshold") { HelpName = "c", Description = "Joints below this confidence are not drawn (nor limbs touching them) and are marked in the table; the JSON has every joint.", DefaultValueFactory = _ => 0.1f };
        var drawBoxes = new Option<bool>("--draw-boxes") { Description = "Also draw each person's square crop box on the overlay." };
        var inputSize = new Option<string?>("--input-size") { HelpName = "size", Description = $"Network input size the person crops are sampled at: {InputSize.Syntax}. Default: the model's own." };
        var scales = new Option<string?>("--scales") { HelpName = "list", Description = $"Multi-scale test: crop each person at these zooms and average the heatmaps ({ScaleList.Syntax}). Each scale is one more crop per person. Default: 1." };
        var refinement = RefinementOption.Create();
        var progress = ProgressOption.Create();
        var command = new Command("infer", """
            Estimates poses in an image or in every image of a folder, writes an overlay image per input, and a COCO
            keypoint-results JSON file with every person. For a single image it also prints a table of the keypoints.
            Unreadable images are reported on stderr and skipped. Ctrl+C (or SIGTERM) stops after the image in progress
            and writes the results of the images done. Exit codes: 0 all images done, 2 some images could not be read,
            1 bad arguments or model, 130 interrupted.
            Example: hourglass infer models/samples --out poses/            (the shipped demo model)
            Example: hourglass infer --model hg2.hgw photos/ --out poses/ --threads 4
            Example: hourglass infer --model hg2.hgw group.jpg --box 40,20,120,300 --box 210,35,110,290 --no-flip
            Example: hourglass infer --model hg2.hgw photo.jpg --scales 0.8,1,1.2
            """)
        {
            input, model, box, boxes, flip, noFlip, output, json, threads, threshold, drawBoxes, inputSize, scales, refinement, progress,
        };
        command.SetAction(result => CliErrors.Run(cancellation => Execute(new Settings(
            result.GetValue(input)!, ShippedModel.Resolve(result.GetValue(model)), result.GetValue(box) ?? [], result.GetValue(boxes), result.GetValue(flip),
            result.GetValue(noFlip), result.GetValue(output), result.GetValue(json), result.GetValue(threads), result.GetValue(threshold),
            result.GetValue(drawBoxes), result.GetValue(progress), InputSize.ParseOptional(result.GetValue(inputSize), "--input-size"),
            ScaleList.ParseOptional(result.GetValue(scales), "--scales"), result.GetValue(refinement)), cancellation)));
        return command;
    }

    private static int Execute(Settings settings, CancellationToken cancellation)
    {
        // Cheap checks first: argument syntax, then files, then the model (the slow part).
        if (settings.Flip && settings.NoFlip)
            throw new ArgumentException("--flip and --no-flip contradict each other; give one.");
        ThreadCount.Check(settings.Threads);
        if (!float.IsFinite(settings.Threshold) || settings.Threshold < 0)
            throw new ArgumentException($"--threshold is {settings.Threshold}; it must be a number >= 0.");
        if (settings.Boxes.Length > 0 && settings.BoxesFile is not null)
            throw new ArgumentException("give either --box (the same boxes for every image) or --boxes (boxes per image), not both.");
        if (settings.Boxes.Length > BoxesFile.MaxPeoplePerImage)
            throw new ArgumentException($"{settings.Boxes.Length} --box options; at most {BoxesFile.MaxPeoplePerImage} people per image.");
        var commonBoxes = settings.Boxes.Select(BoxRectangle.Parse).ToArray();
        var inputs = ImageInputs.Resolve(settings.Input);
        var boxesPerImage = settings.BoxesFile is null ? null : BoxesFile.Read(settings.BoxesFile);
        var modelFile = ModelLoading.Load(settings.Model);
        ModelLoading.NoteAssumedLayout(modelFile);

        string outFolder = Path.GetFullPath(settings.Out ?? inputs.DefaultOutputFolder());
        string jsonPath = Path.GetFullPath(settings.Json ?? Path.Combine(outFolder, "results.json"));
        RefuseOverwritingInputs(inputs, outFolder, jsonPath, settings.Model);
        AtomicFile.RefuseNonRegular(jsonPath);
        Directory.CreateDirectory(outFolder);
        if (Path.GetDirectoryName(jsonPath) is { } jsonFolder)
            Directory.CreateDirectory(jsonFolder);

        using var network = modelFile.CreateNetwork(new HourglassOptions { MaxDegreeOfParallelism = settings.Threads });
        // The model's own input normalization and joint layout: the options leave both null.
        var estimator = new PoseEstimator(network, new PoseEstimatorOptions
        {
            FlipTest = !settings.NoFlip,
            InputSize = settings.InputSize is { } size ? (size.Height, size.Width) : null,
            MaxBatchSize = CropsPerBatch,
            Scales = settings.Scales,
            Refinement = settings.Refinement,
        });
        var overlayOptions = new OverlayOptions { ConfidenceThreshold = settings.Threshold, DrawBoxes = settings.DrawBoxes };
        var loader = new ImageLoader();
        var names = new OverlayNames();
        var people = new List<PersonPose>();
        var failed = new List<string>();
        string? lastOverlay = null;
        int done = 0;
        bool interrupted = false;

        var progress = ProgressReporter.ForConsole(inputs.Files.Count, "images", settings.Progress);
        progress.Start();
        foreach (string file in inputs.Files)
        {
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            string imageId = Path.GetFileName(file);
            RgbImage image;
            try
            {
                image = loader.Load(file);
            }
            catch (ImageLoadException e)
            {
                // The message starts with the file name.
                progress.WriteLine($"skipped: {e.Message}");
                failed.Add(imageId);
                progress.Advance();
                continue;
            }

            var rectangles = RectanglesFor(imageId, commonBoxes, boxesPerImage);
            IReadOnlyList<PersonBox> personBoxes = rectangles is null
                ? [PersonBox.WholeImage(image.Width, image.Height)]
                : [.. rectangles.Select(r => r.ToPersonBox())];
            IReadOnlyList<PoseResult> poses;
            try
            {
                poses = estimator.Estimate(image, personBoxes, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Stopped between two batches of this image's people: the image is discarded, not half reported.
                interrupted = true;
                break;
            }

            // The overlay is written (atomically) before the image's people join the results, so that the results
            // list exactly the images that have an overlay.
            PoseOverlay.Draw(image, poses, overlayOptions);
            lastOverlay = Path.Combine(outFolder, names.For(file));
            ImageSaver.Save(image, lastOverlay);
            var imageRectangles = rectangles ?? [BoxRectangle.WholeImage(image.Width, image.Height)];
            for (int p = 0; p < poses.Count; p++)
                people.Add(new PersonPose(imageId, imageRectangles[p], poses[p]));
            done++;
            progress.Advance();
        }
        progress.Finish();

        KeypointResultsWriter.Write(jsonPath, people);
        if (interrupted)
        {
            Console.Error.WriteLine($"interrupted: {done} of {Wording.Plural(inputs.Files.Count, "image", "images")} done, {jsonPath} written");
            return ExitCodes.Interrupted;
        }
        WarnAboutUnusedBoxes(boxesPerImage, inputs);
        PrintSummary(inputs, people, failed, EstimatorSettingsText.Of(estimator.Options), settings.Threshold, outFolder, lastOverlay, jsonPath, progress.Elapsed);
        if (failed.Count > 0)
            Console.Error.WriteLine($"{failed.Count} of {Wording.Plural(inputs.Files.Count, "image", "images")} could not be read: {Wording.List(failed)}");
        int nonFinite = people.Count(p => !p.Pose.IsFinite);
        if (nonFinite > 0)
        {
            Console.Error.WriteLine(
                $"warning: {nonFinite} of {Wording.Plural(people.Count, "person", "people")} {(nonFinite == 1 ? "has" : "have")} a NaN or infinite keypoint or score: the model's outputs overflow " +
                "(its weights are broken); the results file holds 0 for those values.");
            return ExitCodes.NonFiniteOutput;
        }
        return failed.Count > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
    }

    /// <summary>Crops per network run: memory stays bounded however many people an image holds.</summary>
    internal const int CropsPerBatch = 32;

    /// <summary>
    /// No output may replace an input: the results file, and every overlay as <see cref="OverlayNames"/> will name it
    /// (an input folder used as --out can hold an earlier run's <c>a.pose.png</c>, which <c>a.png</c>'s overlay would replace).
    /// </summary>
    private static void RefuseOverwritingInputs(ImageInputs inputs, string outFolder, string jsonPath, string model)
    {
        var inputPaths = new HashSet<string>(inputs.Files.Select(Path.GetFullPath), StringComparer.Ordinal) { Path.GetFullPath(model) };
        if (inputPaths.Contains(jsonPath))
            throw new ArgumentException($"the results file {jsonPath} is an input of this run; choose another --json.");
        var names = new OverlayNames();
        foreach (string file in inputs.Files)
        {
            string overlay = Path.Combine(outFolder, names.For(file));
            if (inputPaths.Contains(overlay))
                throw new ArgumentException($"the overlay of {Path.GetFileName(file)} would replace the input {overlay}; choose another --out.");
        }
    }

    // A single image: its keypoint table; a folder: one line of counts. Then where the results are.
    private static void PrintSummary(ImageInputs inputs, List<PersonPose> people, List<string> failed, string flipText, float threshold,
        string outFolder, string? lastOverlay, string jsonPath, TimeSpan elapsed)
    {
        if (!inputs.IsFolder && failed.Count == 0)
        {
            Console.WriteLine($"{Path.GetFileName(inputs.Files[0])}: {Wording.Plural(people.Count, "person", "people")} ({flipText})");
            if (people.Count > 0)
            {
                Console.WriteLine();
                KeypointTable.Write(Console.Out, people, threshold);
                Console.WriteLine();
            }
            Console.WriteLine($"overlay {lastOverlay}");
        }
        else if (inputs.IsFolder)
        {
            int done = inputs.Files.Count - failed.Count;
            Console.WriteLine($"{done} of {Wording.Plural(inputs.Files.Count, "image", "images")} done, {Wording.Plural(people.Count, "person", "people")} " +
                              $"({flipText}, {ProgressReporter.FormatDuration(elapsed)}); overlays in {outFolder}");
        }
        Console.WriteLine($"results {jsonPath}");
    }

    // Null means "no boxes given for this image": the whole image is the person.
    private static IReadOnlyList<BoxRectangle>? RectanglesFor(
        string imageId, BoxRectangle[] common, IReadOnlyDictionary<string, IReadOnlyList<BoxRectangle>>? perImage)
    {
        if (common.Length > 0)
            return common;
        if (perImage is not null && perImage.TryGetValue(imageId, out var listed))
            return listed;
        return null;
    }

    private static void WarnAboutUnusedBoxes(IReadOnlyDictionary<string, IReadOnlyList<BoxRectangle>>? perImage, ImageInputs inputs)
    {
        if (perImage is null)
            return;
        var names = inputs.Files.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var unused = perImage.Keys.Where(k => !names.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count > 0)
            Console.Error.WriteLine($"warning: {Wording.Plural(unused.Count, "entry", "entries")} of the boxes file match no input image: {Wording.List(unused)}");
    }
}

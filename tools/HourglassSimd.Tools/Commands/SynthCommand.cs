using System.CommandLine;
using System.Diagnostics;
using HourglassSimd.Datasets;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary><c>hourglass synth</c>: writes synthetic people (<see cref="SyntheticPeopleDataset"/>) and optionally a contact sheet.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write images/ and annotations.json into.", Required = true };
        var train = new Option<int>("--train-people") { Description = "People in the training split.", DefaultValueFactory = _ => new SyntheticPeopleOptions().TrainPeople };
        var validation = new Option<int>("--validation-people") { Description = "People in the validation split (isValidation = 1).", DefaultValueFactory = _ => new SyntheticPeopleOptions().ValidationPeople };
        var size = new Option<int>("--size") { Description = "Side of the square images in pixels (64 to 2048).", DefaultValueFactory = _ => 256 };
        var maxPeople = new Option<int>("--max-people") { Description = "Each image holds 1 to this many people (1 to 8).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of everything random; the same seed gives the same files.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "png (lossless) or jpg.", DefaultValueFactory = _ => "png" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = one per processor); the files do not depend on it.", DefaultValueFactory = _ => 0 };
        var sheet = new Option<string?>("--contact-sheet") { Description = "Also write a PNG of the first 16 training images with their ground-truth skeletons." };
        var progress = ProgressOption.Create();
        var command = new Command("synth", """
            Writes synthetic people for training and evaluation: articulated bodies with the 16 MPII joints in varied
            poses and views, painted with shaded limbs, clothing and faces over cluttered backgrounds, 1 to --max-people
            per image, with an MPII-style annotations.json (joints with visibility, boxes, head sizes for PCKh,
            isValidation). Left and right come from the geometry, so flipped images stay valid.
            Example: hourglass synth --out people --train-people 8000 --validation-people 1000 --contact-sheet sheet.png
            """)
        {
            output, train, validation, size, maxPeople, seed, format, threads, sheet, progress,
        };
        command.SetAction(result => CliErrors.Run(cancellation =>
        {
            var options = new SyntheticPeopleOptions
            {
                TrainPeople = result.GetValue(train),
                ValidationPeople = result.GetValue(validation),
                ImageSize = result.GetValue(size),
                MaxPeoplePerImage = result.GetValue(maxPeople),
                Seed = result.GetValue(seed),
                Format = result.GetValue(format)!,
                Threads = result.GetValue(threads),
            };
            options.Validate();
            string folder = result.GetValue(output)!;
            var clock = Stopwatch.StartNew();
            // The image count is known only once the people are split into images: estimate it for the bar.
            int estimate = (int)Math.Ceiling((options.TrainPeople + options.ValidationPeople) / ((1 + options.MaxPeoplePerImage) / 2.0));
            var reporter = ProgressReporter.ForConsole(estimate, "images", result.GetValue(progress));
            var gate = new object();
            reporter.Start();
            SyntheticPeopleDataset.Summary summary;
            try
            {
                summary = SyntheticPeopleDataset.Write(folder, options, new InlineProgress(done =>
                {
                    lock (gate)
                    {
                        while (reporter.Done < done)
                            reporter.Advance();
                    }
                }), cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: the images written to {Path.Combine(folder, "images")} are complete; annotations.json and boxes.json not written");
                return ExitCodes.Interrupted;
            }
            reporter.Finish();
            int images = summary.TrainImages + summary.ValidationImages;
            Console.WriteLine($"wrote {images} images ({summary.TrainImages} train, {summary.ValidationImages} validation) with {summary.People} people to {Path.Combine(folder, "images")} and {summary.AnnotationsPath} in {clock.Elapsed.TotalSeconds:F1} s ({images / clock.Elapsed.TotalSeconds:F0} images/s)");

            string? sheetPath = result.GetValue(sheet);
            if (sheetPath is not null)
            {
                ContactSheet(options, sheetPath);
                Console.WriteLine($"wrote the contact sheet {sheetPath}");
            }
            return 0;
        }));
        return command;
    }

    // 4 x 4 training images with their ground truth drawn on (hidden joints at confidence 0.5, so in orange).
    private static void ContactSheet(SyntheticPeopleOptions options, string path)
    {
        const int Columns = 4;
        int side = options.ImageSize, count = Math.Min(16, SyntheticPeopleDataset.ImageCount(options, validation: false));
        var sheet = new RgbImage(Columns * side, (count + Columns - 1) / Columns * side);
        for (int i = 0; i < count; i++)
        {
            var (image, people) = SyntheticPeopleDataset.Render(options, validation: false, i);
            PoseOverlay.Draw(image, people, new OverlayOptions { DrawBoxes = true });
            int x0 = i % Columns * side, y0 = i / Columns * side;
            for (int y = 0; y < side; y++)
                image.GetRow(y).CopyTo(sheet.GetRow(y0 + y)[(3 * x0)..]);
        }
        ImageSaver.Save(sheet, path);
    }

    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

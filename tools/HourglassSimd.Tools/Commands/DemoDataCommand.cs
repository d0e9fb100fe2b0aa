using HourglassSimd.Datasets;
using System.CommandLine;
using HourglassSimd.Tools.Pose;

namespace HourglassSimd.Tools.Commands;

/// <summary><c>hourglass demo-data</c>: writes the synthetic stick-figure data set (<see cref="StickFigureDataset"/>).</summary>
internal static class DemoDataCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write images/ and annotations.json into.", Required = true };
        var train = new Option<int>("--train") { Description = "Training images.", DefaultValueFactory = _ => 400 };
        var validation = new Option<int>("--validation") { Description = "Validation images (isValidation = 1).", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Seed of the poses and the background noise.", DefaultValueFactory = _ => 7 };
        var command = new Command("demo-data", """
            Writes a synthetic pose data set to try the tool chain without MPII: 96x96 PNG stick figures with the 16 MPII
            joints as coloured dots, and an MPII-style annotations.json (head size 10 px for PCKh). A 1-stack network
            trained on it for a minute reaches a PCKh@0.5 well above chance; see README "Try it end to end".
            Ctrl+C (or SIGTERM) stops after the image in progress: the images written stay, annotations.json is not
            written (exit code 130).
            Example: hourglass demo-data --out demo
            """)
        {
            output, train, validation, seed,
        };
        command.SetAction(result => CliErrors.Run(cancellation =>
        {
            string folder = result.GetValue(output)!;
            int trainCount = result.GetValue(train), validationCount = result.GetValue(validation);
            string annotations;
            try
            {
                annotations = StickFigureDataset.Write(folder, trainCount, validationCount, result.GetValue(seed), cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: the images written to {Path.Combine(folder, "images")} are complete; annotations.json not written");
                return ExitCodes.Interrupted;
            }
            Console.WriteLine($"wrote {trainCount + validationCount} images to {Path.Combine(folder, "images")} and {annotations}");
            return 0;
        }));
        return command;
    }
}

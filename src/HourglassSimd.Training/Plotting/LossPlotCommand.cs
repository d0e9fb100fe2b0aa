using System.Globalization;

namespace HourglassSimd.Training;

/// <summary><c>hourglass-train --plot-log LOG --plot-out PNG [--plot-csv CSV]</c>: the loss curve of an existing log.</summary>
public static class LossPlotCommand
{
    /// <summary>Reads <see cref="TrainingOptions.PlotLogPath"/>, writes the PNG (and the CSV when asked) and prints
    /// one line about what it drew.</summary>
    /// <exception cref="TrainingException">The log is missing, empty or unreadable (<see cref="TrainingLogParser"/>),
    /// or an output cannot be written; one line.</exception>
    public static void Run(TrainingOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        string log = options.PlotLogPath ?? throw new TrainingException("--plot-log is required", isUsageError: true);
        string png = options.PlotOutPath ?? throw new TrainingException("--plot-log needs --plot-out PNG", isUsageError: true);

        LossHistory history = TrainingLogParser.ParseFile(log);
        var plot = new LossPlot(history, $"Training loss: {Path.GetFileName(log)}");
        Write(png, plot.Save);
        if (options.PlotCsvPath is { } csv)
        {
            Write(csv, path => LossCsv.Write(path, history));
        }

        int blocks = history.OfKind(LossKind.Block).Count();
        int epochs = history.OfKind(LossKind.Train).Count();
        string csvNote = options.PlotCsvPath is { } c ? $"; losses in {c}" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{png}: {plot.Width}x{plot.Height}, {blocks} block means and {epochs} epoch losses from {log}{csvNote}"));
    }

    private static void Write(string path, Action<string> write)
    {
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot write '{path}': {e.Message.Split('\n')[0]}");
        }
    }
}

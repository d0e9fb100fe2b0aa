using System.Globalization;
using System.Text.RegularExpressions;

namespace HourglassSimd.Training;

/// <summary>
/// Reads the losses back from the trainer's log (what it prints to stdout) into a <see cref="LossHistory"/>.
/// </summary>
/// <remarks>
/// <para>Lines read:</para>
/// <list type="bullet">
/// <item><c>  epoch E step S/N  loss X</c> (every <c>--log-every</c> steps): the mean loss of the steps since the
/// previous such line of the epoch, a <see cref="LossKind.Block"/> record.</item>
/// <item><c>epoch E/T  loss X  val-loss Y  ...</c> (after each epoch; <c>val-loss</c> only with validation records):
/// <see cref="LossKind.Train"/> and <see cref="LossKind.Validation"/> records.</item>
/// <item>the run's header (<c>PoseNet stacks ...: ..., N steps of B per epoch, ...</c>), for the steps per epoch of
/// the epoch lines that follow.</item>
/// </list>
/// <para>Every other line (<c>resumed from ...</c>, <c>epoch E: learning rate R (--lr-steps)</c>, notes, errors) is skipped, so logs of several runs can be
/// concatenated; a later run replaces what an earlier one logged from where it starts (<see cref="LossHistory"/>).
/// A line that starts like a loss line (<c>epoch</c> and a digit) but cannot be read is an error that names the line,
/// except for an unfinished last line (no line break after it), which a log still being written can have.</para>
/// </remarks>
public static partial class TrainingLogParser
{
    /// <summary>Reads the log file at <paramref name="path"/>.</summary>
    /// <exception cref="TrainingException">The file is missing (a usage error), empty, holds no loss line, or has a
    /// line that starts like a loss line but cannot be read; the message is one line.</exception>
    public static LossHistory ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new TrainingException($"log file '{path}' is a folder", isUsageError: true);
        }

        if (!File.Exists(path))
        {
            throw new TrainingException($"log file '{path}' does not exist", isUsageError: true);
        }

        return Parse(File.ReadAllText(path), $"log file '{path}'");
    }

    /// <summary>Reads a log's text; <paramref name="source"/> names it in error messages (e.g. <c>log file 'x'</c>).</summary>
    /// <exception cref="TrainingException">As <see cref="ParseFile"/>.</exception>
    public static LossHistory Parse(string text, string source = "the log")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new TrainingException($"{source} is empty");
        }

        string[] lines = text.Split('\n');
        bool lastLineUnfinished = !text.EndsWith('\n');
        var history = new LossHistory();
        int headerSteps = 0;
        int blockEpoch = 0, blockSteps = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            bool unfinished = lastLineUnfinished && i == lines.Length - 1;
            if (HeaderLine().Match(line) is { Success: true } header)
            {
                headerSteps = int.TryParse(header.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
                blockEpoch = 0;
                continue;
            }

            if (!CandidateLine().IsMatch(line))
            {
                continue;
            }

            try
            {
                if (BlockLine().Match(line) is { Success: true } block)
                {
                    int epoch = Integer(block.Groups[1]), step = Integer(block.Groups[2]), steps = Integer(block.Groups[3]);
                    history.Add(new LossRecord(LossKind.Block, epoch, step, steps, Loss(block.Groups[4])));
                    (blockEpoch, blockSteps) = (epoch, steps);
                }
                else if (EpochLine().Match(line) is { Success: true } summary)
                {
                    int epoch = Integer(summary.Groups[1]);
                    int steps = blockEpoch == epoch ? blockSteps : headerSteps;
                    double? validation = summary.Groups[4].Success ? Loss(summary.Groups[4]) : null;
                    history.AddEpoch(epoch, steps, Loss(summary.Groups[3]), validation);
                }
                else if (!RateLine().IsMatch(line))
                {
                    throw new FormatException("not a loss line");
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
            {
                if (unfinished)
                {
                    continue;
                }

                string shown = line.Trim();
                shown = shown.Length > 80 ? shown[..77] + "..." : shown;
                throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                    $"{source} line {i + 1} starts like a loss line but cannot be read: '{shown}'"));
            }
        }

        if (history.Count == 0)
        {
            throw new TrainingException(
                $"{source} has no loss lines: neither per-epoch lines ('epoch E/N  loss X ...') nor step lines ('epoch E step S/N  loss X', from --log-every)");
        }

        return history;
    }

    private static int Integer(Group group) => int.Parse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    private static double Loss(Group group)
    {
        double value = double.Parse(group.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(value) && value >= 0 ? value : throw new FormatException("not a finite loss");
    }

    [GeneratedRegex(@"^\s*epoch \d")]
    private static partial Regex CandidateLine();

    [GeneratedRegex(@"^\s*epoch (\d+) step (\d+)/(\d+)\s+loss (\S+)\s*$")]
    private static partial Regex BlockLine();

    [GeneratedRegex(@"^\s*epoch (\d+)/(\d+)\s+loss (\S+)(?:\s+val-loss (\S+))?(?:\s|$)")]
    private static partial Regex EpochLine();

    /// <summary>The trainer's note that <c>--lr-steps</c> changed the rate at an epoch: not a loss, skipped.</summary>
    [GeneratedRegex(@"^\s*epoch \d+: learning rate \S+ \(--lr-steps\)\s*$")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^PoseNet stacks .*?, (\d+) steps of \d+ per epoch")]
    private static partial Regex HeaderLine();
}

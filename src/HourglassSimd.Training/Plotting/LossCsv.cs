using System.Globalization;
using System.Text;
using HourglassSimd.IO;

namespace HourglassSimd.Training;

/// <summary>
/// <c>loss.csv</c>: a <see cref="LossHistory"/> as CSV, one record per row in x order, for plotting elsewhere.
/// </summary>
/// <remarks>
/// The header is <c>epoch,step,steps_per_epoch,global_step,fractional_epoch,kind,loss</c>:
/// <list type="bullet">
/// <item><c>epoch</c>: from 1.</item>
/// <item><c>step</c>: the step that ends the block, or for an epoch's losses its last step.</item>
/// <item><c>steps_per_epoch</c>, <c>global_step</c>: <see cref="LossHistory.GlobalStep"/> is
/// <c>(epoch − 1) · steps_per_epoch + step</c>.</item>
/// <item><c>fractional_epoch</c>: the plot's x, <see cref="LossRecord.Position"/>.</item>
/// <item><c>kind</c>: <c>block</c> (the mean of the steps since the previous block of the epoch), <c>train</c> or
/// <c>validation</c> (the epoch's losses).</item>
/// <item><c>loss</c>: the value, in the shortest form that reads back to the same double.</item>
/// </list>
/// Numbers use '.' as the decimal point. <c>step</c>, <c>steps_per_epoch</c> and <c>global_step</c> are empty when the
/// steps per epoch are not known (a log with neither step lines nor the run's header).
/// </remarks>
public static class LossCsv
{
    public const string Header = "epoch,step,steps_per_epoch,global_step,fractional_epoch,kind,loss";

    /// <summary>The CSV text (LF line ends, a final line break).</summary>
    public static string Format(LossHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder(Header).Append('\n');
        foreach (LossRecord r in history.Records)
        {
            bool known = r.StepsPerEpoch > 0;
            text.Append(CultureInfo.InvariantCulture,
                $"{r.Epoch},{(known ? Number(r.Step) : "")},{(known ? Number(r.StepsPerEpoch) : "")},{LossHistory.GlobalStep(r)?.ToString(CultureInfo.InvariantCulture) ?? ""},")
                .Append(r.Position.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(KindName(r.Kind)).Append(',')
                .Append(r.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes <paramref name="path"/> whole or not at all (temporary file and rename, <see cref="AtomicFile"/>).</summary>
    public static void Write(string path, LossHistory history) => AtomicFile.WriteAllText(path, Format(history));

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <exception cref="TrainingException">The file is missing, or a row does not follow the format (names the line).</exception>
    public static LossHistory Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new TrainingException($"loss file '{path}' does not exist");
        }

        string[] lines = File.ReadAllText(path).Split('\n');
        if (lines[0].TrimEnd('\r') != Header)
        {
            throw new TrainingException($"loss file '{path}' does not start with the header '{Header}'");
        }

        var history = new LossHistory();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                string[] f = line.Split(',');
                if (f.Length != 7)
                {
                    throw new FormatException("7 fields expected");
                }

                LossKind kind = ParseKind(f[5]);
                int epoch = int.Parse(f[0], NumberStyles.None, CultureInfo.InvariantCulture);
                int step = f[1].Length == 0 ? 0 : int.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture);
                int steps = f[2].Length == 0 ? 0 : int.Parse(f[2], NumberStyles.None, CultureInfo.InvariantCulture);
                var record = new LossRecord(kind, epoch, step, steps, double.Parse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture));
                string globalStep = LossHistory.GlobalStep(record)?.ToString(CultureInfo.InvariantCulture) ?? "";
                if (f[3] != globalStep)
                {
                    throw new FormatException($"global_step should be '{globalStep}'");
                }

                history.Add(record);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
            {
                throw new TrainingException($"loss file '{path}' line {i + 1}: {e.Message.Split('\n')[0]}");
            }
        }

        return history;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string KindName(LossKind kind) => kind switch
    {
        LossKind.Block => "block",
        LossKind.Train => "train",
        _ => "validation",
    };

    private static LossKind ParseKind(string name) => name switch
    {
        "block" => LossKind.Block,
        "train" => LossKind.Train,
        "validation" => LossKind.Validation,
        _ => throw new FormatException($"unknown kind '{name}'"),
    };
}

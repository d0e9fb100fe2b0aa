using System.CommandLine;
using HourglassSimd.Tools.Commands;

var root = new RootCommand("hourglass: Stacked Hourglass inference on the CPU (HourglassSimd).")
{
    BenchCommand.Create(),
    InferCommand.Create(),
    EvalCommand.Create(),
    ConvertWeightsCommand.Create(),
    RunCommand.Create(),
    ExportOnnxCommand.Create(),
    DemoDataCommand.Create(),
    SynthCommand.Create(),
    PruneCommand.Create(),
    QuantizeCommand.Create(),
};
var parsed = root.Parse(args);
// A mistyped or unknown option, or a missing required one: one line that names it, as for errors found later (CliErrors),
// rather than the parser's message followed by the whole help text. Bare `hourglass` still prints the help.
if (parsed.Errors.Count > 0 && args.Length > 0)
{
    string command = parsed.CommandResult.Command == root ? "hourglass" : $"hourglass {parsed.CommandResult.Command.Name}";
    var problems = parsed.Errors.Select(e => e.Message.Split('\n')[0].Trim().TrimEnd('.')).Distinct();
    Console.Error.WriteLine($"error: {string.Join("; ", problems)} (see '{command} --help')");
    return 1;
}
return parsed.Invoke();

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
return root.Parse(args).Invoke();

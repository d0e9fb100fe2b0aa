using HourglassSimd.Training;
using static TorchSharp.torch;

// Before anything touches libtorch: oneDNN reads its ISA cap once (the module initializer did this already).
OneDnnIsaCap isaCap = OneDnnIsaCap.Apply();

// Console entry point: every expected failure is one line on stderr, never a stack trace.
try
{
    TrainingOptions options = TrainingOptions.Parse(args);
    if (options.ShowHelp)
    {
        Console.WriteLine(TrainingOptions.Usage);
        return 0;
    }

    if (options.PlotLogPath is not null)
    {
        // No libtorch needed: read the log, draw, exit.
        LossPlotCommand.Run(options, Console.Out);
        return 0;
    }

    isaCap.ThrowIfInvalid();
    if (options.SelfCheck)
    {
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        SelfCheckReport report = OneDnnSelfCheck.Run();
        Console.WriteLine(report);
        // Short steps, then long ones: a long step gives the allocating neighbour time to trigger many collections
        // inside one guarded call.
        (bool shortPassed, string shortLine) = TemporaryScalarStress.Run(steps: 1000, callsPerStep: 200);
        Console.WriteLine(shortLine);
        (bool longPassed, string longLine) = TemporaryScalarStress.Run(steps: 10, callsPerStep: 20_000);
        Console.WriteLine(longLine);
        return report.Passed && shortPassed && longPassed ? 0 : TrainingException.FailureExitCode;
    }

    if (options.EvaluatePath is not null)
    {
        options.Validate();
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }

        CheckpointEvaluation.Run(options.EvaluatePath, options.AnnotationsPath, options.ImagesFolder, flipTest: !options.NoFlip, Console.Out, options.Refinement);
        return 0;
    }

    using var trainer = new Trainer(options, Console.Out);
    trainer.Run();
    return 0;
}
catch (TrainingException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    if (e.IsUsageError)
    {
        Console.Error.WriteLine("run with --help for the options");
    }

    return e.ExitCode;
}
catch (Exception e)
{
    // Anything else (I/O, libtorch errors surfacing as ExternalException, ...): still one line.
    string firstLine = e.Message.Split('\n', 2)[0].Trim();
    Console.Error.WriteLine($"error: {e.GetType().Name}: {firstLine}");
    return TrainingException.FailureExitCode;
}

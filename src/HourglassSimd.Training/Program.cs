using HourglassSimd.Training;

// Console entry point: every expected failure is one line on stderr, never a stack trace.
try
{
    TrainingOptions options = TrainingOptions.Parse(args);
    if (options.ShowHelp)
    {
        Console.WriteLine(TrainingOptions.Usage);
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

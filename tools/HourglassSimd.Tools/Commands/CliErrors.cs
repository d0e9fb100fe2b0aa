namespace HourglassSimd.Tools.Commands;

/// <summary>Turns a command's expected failures into one line on stderr and exit code 1 (no stack trace).</summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException
                                     or UnauthorizedAccessException or NotSupportedException or OutOfMemoryException)
        {
            // ArgumentOutOfRangeException appends "(Parameter ...)" and "Actual value was ..." lines: keep the sentence.
            string message = e is ArgumentOutOfRangeException ? e.Message.Split('\n')[0].Replace($" (Parameter '{((ArgumentException)e).ParamName}')", "") : e.Message;
            Console.Error.WriteLine($"error: {message}");
            return 1;
        }
    }
}

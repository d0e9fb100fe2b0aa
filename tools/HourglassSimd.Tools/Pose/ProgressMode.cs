namespace HourglassSimd.Tools.Pose;

/// <summary>How <c>infer</c> and <c>eval</c> show progress on stderr (<c>--progress</c>).</summary>
internal enum ProgressMode
{
    /// <summary>A bar redrawn in place when stderr is a terminal, plain lines otherwise.</summary>
    Auto,

    /// <summary>Always the bar (carriage returns), even when stderr is redirected.</summary>
    Bar,

    /// <summary>Always plain lines: every further 10% (or 10 s) and at the end.</summary>
    Lines,

    /// <summary>No progress; messages about single files still appear.</summary>
    None,
}

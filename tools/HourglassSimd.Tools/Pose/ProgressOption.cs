using System.CommandLine;
using HourglassSimd.Tools.Commands;

namespace HourglassSimd.Tools.Pose;

/// <summary>The <c>--progress</c> option of <c>infer</c> and <c>eval</c>.</summary>
internal static class ProgressOption
{
    public static Option<ProgressMode> Create() => EnumOption.Create("--progress", ProgressMode.Auto,
        "Progress on stderr for more than one image: Auto (a bar redrawn in place on a terminal, plain lines when stderr is redirected), Bar, Lines or None.");
}

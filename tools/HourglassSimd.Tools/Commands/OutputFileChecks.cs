using HourglassSimd.IO;

namespace HourglassSimd.Tools.Commands;

/// <summary>What a command that reads one file and writes another checks before it starts (one-line errors).</summary>
internal static class OutputFileChecks
{
    /// <summary>
    /// The output is not the input, its folder exists, and it is not a device, pipe or folder (the output is then
    /// written atomically, beside its destination).
    /// </summary>
    public static void Check(string inputPath, string inputOption, string outputPath)
    {
        if (Path.GetFullPath(inputPath) == Path.GetFullPath(outputPath))
            throw new ArgumentException($"--out must differ from {inputOption}.");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"the output folder '{folder}' does not exist.");
        AtomicFile.RefuseNonRegular(outputPath);
    }
}

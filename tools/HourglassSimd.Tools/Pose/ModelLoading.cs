namespace HourglassSimd.Tools.Pose;

/// <summary>Loads an <c>.hgw</c> model for a command, turning every way a file can be wrong into a one-line message.</summary>
internal static class ModelLoading
{
    /// <exception cref="FileNotFoundException">The path does not exist or is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a model file, or is truncated or corrupt (one-line message).</exception>
    public static HourglassModelFile Load(string path)
    {
        if (Directory.Exists(path))
            throw new FileNotFoundException($"model '{path}' is a folder, not a model file (.hgw).", path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"model '{path}' does not exist.", path);
        try
        {
            return HourglassModelFile.Load(path);
        }
        catch (ModelFileException e)
        {
            // The message already starts with the path.
            throw new InvalidDataException($"cannot load model {OneLine(e.Message)}", e);
        }
        catch (WeightsMismatchException e)
        {
            string first = e.Problems.Count > 0 ? e.Problems[0] : OneLine(e.Message);
            string more = e.Problems.Count > 1 ? $" (and {e.Problems.Count - 1} more problems)" : "";
            throw new InvalidDataException($"cannot load model {path}: its tensors do not fit the architecture it states: {first}{more}.", e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or OverflowException
                                      or KeyNotFoundException or IndexOutOfRangeException or System.Text.Json.JsonException)
        {
            // A header that parses as JSON but holds values of the wrong kind surfaces as one of these.
            throw new InvalidDataException($"cannot load model {path}: corrupt ({OneLine(e.Message)}).", e);
        }
    }

    /// <summary>
    /// For a version 1 file (no joint layout), one line on stderr naming the layout assumed from the joint count, e.g.
    /// <c>note: model file version 1 has no joint names; assuming mpii16</c>.
    /// </summary>
    public static void NoteAssumedLayout(HourglassModelFile file)
    {
        if (file.Version < 2 && file.JointLayoutAssumed)
            Console.Error.WriteLine($"note: model file version {file.Version} has no joint names; assuming {file.JointLayout.Name} ({file.JointLayout.Count} joints)");
    }

    private static string OneLine(string message) => message.Split('\n')[0].TrimEnd('\r');
}

namespace HourglassSimd.Tools.Pose;

/// <summary>
/// The demo model that ships with the tool (models/hourglass-demo.hgw in the repository, copied next to the tool as
/// models/hourglass-demo.hgw): what infer and eval use without --model, and bench with a bare --model. It was trained on
/// synthetic people only (docs/demo-model.md).
/// </summary>
internal static class ShippedModel
{
    public const string FileName = "hourglass-demo.hgw";

    /// <summary>Where the build and the tool package put the shipped model.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "models", FileName);

    /// <summary>The given model path, or the shipped model's when none is given.</summary>
    /// <exception cref="FileNotFoundException">No path is given and the shipped model is missing.</exception>
    public static string Resolve(string? given)
    {
        if (!string.IsNullOrEmpty(given))
            return given;
        if (!File.Exists(Path))
            throw new FileNotFoundException($"no --model given and the shipped demo model is missing ({Path}); pass --model.", Path);
        return Path;
    }

    /// <summary>The help text of a --model option that defaults to the shipped model.</summary>
    public const string OptionDescription = "Model file (.hgw). Default: the shipped demo model (trained on synthetic people only; docs/demo-model.md).";
}

namespace HourglassSimd.Tools.Pose;

/// <summary>
/// File names of the overlay images: <c>a.jpg</c> → <c>a.pose.jpg</c>, <c>b.png</c> → <c>b.pose.png</c>, <c>c.bmp</c> →
/// <c>c.pose.png</c> (no BMP writer). When two inputs would share a name, the later one keeps its whole file name:
/// <c>a.bmp</c> → <c>a.pose.png</c>, then <c>a.png</c> → <c>a.png.pose.png</c>.
/// </summary>
internal sealed class OverlayNames
{
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The overlay file name (no folder) for <paramref name="inputFile"/>, unique within this run.</summary>
    public string For(string inputFile)
    {
        string name = Path.GetFileName(inputFile);
        string extension = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => Path.GetExtension(name),
            _ => ".png",
        };
        string candidate = Path.GetFileNameWithoutExtension(name) + ".pose" + extension;
        if (!_used.Add(candidate))
        {
            candidate = name + ".pose.png";
            for (int n = 2; !_used.Add(candidate); n++)
                candidate = $"{name}.pose-{n}.png";
        }
        return candidate;
    }
}

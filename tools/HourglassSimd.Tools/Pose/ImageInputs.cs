using HourglassSimd.Imaging;

namespace HourglassSimd.Tools.Pose;

/// <summary>The images one <c>infer</c> run reads: a single file, or every supported image directly inside a folder.</summary>
internal sealed class ImageInputs
{
    private ImageInputs(string path, bool isFolder, IReadOnlyList<string> files)
    {
        Path = path;
        IsFolder = isFolder;
        Files = files;
    }

    /// <summary>The path as given on the command line.</summary>
    public string Path { get; }

    /// <summary>True when <see cref="Path"/> is a folder.</summary>
    public bool IsFolder { get; }

    /// <summary>Image files in processing order (ordinal order of file names for a folder).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Resolves <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no image with a supported extension.</exception>
    public static ImageInputs Resolve(string path)
    {
        if (File.Exists(path))
            return new ImageInputs(path, isFolder: false, [path]);
        if (!Directory.Exists(path))
            throw new FileNotFoundException($"input '{path}' does not exist (give an image file or a folder of images).", path);
        // Top level only; ordinal order so that runs are reproducible across machines and cultures.
        var files = Directory.EnumerateFiles(path)
            .Where(IsSupported)
            .OrderBy(f => System.IO.Path.GetFileName(f), StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new InvalidDataException(
                $"folder '{path}' holds no image ({string.Join(", ", ImageLoader.SupportedExtensions)}; subfolders are not searched).");
        return new ImageInputs(path, isFolder: true, files);
    }

    /// <summary>Whether the file has one of <see cref="ImageLoader.SupportedExtensions"/> (case-insensitive).</summary>
    public static bool IsSupported(string file) =>
        ImageLoader.SupportedExtensions.Contains(System.IO.Path.GetExtension(file).ToLowerInvariant());

    /// <summary>
    /// The default output folder, next to the input: <c>photos/</c> → <c>photos-poses/</c>, <c>photos/a.jpg</c> →
    /// <c>photos/a-poses/</c>.
    /// </summary>
    public string DefaultOutputFolder()
    {
        string full = System.IO.Path.GetFullPath(Path).TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
        string parent = System.IO.Path.GetDirectoryName(full) ?? full;
        string name = IsFolder ? System.IO.Path.GetFileName(full) : System.IO.Path.GetFileNameWithoutExtension(full);
        if (name.Length == 0)
            name = "images"; // the input is a file-system root
        return System.IO.Path.Combine(parent, name + "-poses");
    }
}

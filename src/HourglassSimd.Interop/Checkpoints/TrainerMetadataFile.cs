using System.Text.Json;
using HourglassSimd.IO;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// The JSON file the training project (<c>hourglass-train</c>) writes beside each checkpoint: <c>NAME.json</c> for
/// <c>NAME.dat</c>. Checkpoint formats have no room for the input size the network was trained at; this file records it
/// (<c>"inputSize": 128</c>), so conversion can take it from there instead of assuming 256.
/// </summary>
public static class TrainerMetadataFile
{
    /// <summary>A metadata file is a few hundred bytes; anything larger than this is not one and is not read.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Where the trainer puts the metadata of <paramref name="checkpointPath"/>.</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".json");

    /// <summary>
    /// The input size recorded beside <paramref name="checkpointPath"/>, or null when there is no metadata file or it has
    /// no numeric <c>inputSize</c> (a JSON file of another program).
    /// </summary>
    /// <exception cref="InvalidDataException">The path is not a regular file, or the file is too large, not JSON, or
    /// records an input size that is not a multiple of 64 up to <see cref="HourglassArchitecture.MaxInputSide"/>.</exception>
    public static int? ReadInputSize(string checkpointPath)
    {
        string path = PathFor(checkpointPath);
        if (!Path.Exists(path))
            return null;

        byte[] bytes;
        try
        {
            // Not File.ReadAllBytes: a FIFO or a link to /dev/zero under that name must not hang or exhaust the reader.
            bytes = BoundedFile.ReadAllBytes(path, MaxBytes);
        }
        catch (Exception e) when (e is NotRegularFileException or FileTooLargeException)
        {
            throw new InvalidDataException($"the trainer's metadata beside the checkpoint: {e.Message} Give --input-size.", e);
        }

        JsonElement inputSize;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("inputSize", out var value)
                || value.ValueKind != JsonValueKind.Number)
            {
                return null;
            }
            inputSize = value.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} beside the checkpoint is not valid JSON ({e.Message}); give --input-size.", e);
        }

        if (!inputSize.TryGetInt32(out int size) || size <= 0 || size > HourglassArchitecture.MaxInputSide || size % 64 != 0)
            throw new InvalidDataException($"{path} records inputSize {inputSize.GetRawText()}, not a multiple of 64 up to {HourglassArchitecture.MaxInputSide}; give --input-size.");
        return size;
    }
}

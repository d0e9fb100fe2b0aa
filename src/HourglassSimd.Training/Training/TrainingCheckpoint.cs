using TorchSharp.Modules;

namespace HourglassSimd.Training;

/// <summary>Writes and reads the per-epoch checkpoint files in the output folder.</summary>
/// <remarks>
/// Per epoch N: <c>posenet-epoch-NNN.dat</c> (TorchSharp <c>Module.save</c>, the file convert-weights reads) and
/// <c>posenet-epoch-NNN.json</c> (<see cref="CheckpointMetadata"/>). The RMSprop state is as large as the model, so only
/// the newest one is kept (<c>posenet-epoch-NNN.optimizer.dat</c>); the previous one is deleted.
/// </remarks>
public static class TrainingCheckpoint
{
    public static string ModelPath(string folder, int epoch) => Path.Combine(folder, $"posenet-epoch-{epoch:D3}.dat");

    public static string MetadataPath(string modelPath) => Path.ChangeExtension(modelPath, ".json");

    private static string OptimizerFileName(int epoch) => $"posenet-epoch-{epoch:D3}.optimizer.dat";

    /// <summary>Saves model, optimizer and metadata for <paramref name="metadata"/>.Epoch; returns the model file's path.</summary>
    public static string Save(string folder, PoseNet model, OptimizerHelper optimizer, CheckpointMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(metadata);
        Directory.CreateDirectory(folder);
        int epoch = metadata.Epoch;
        string modelPath = ModelPath(folder, epoch);
        string optimizerPath = Path.Combine(folder, OptimizerFileName(epoch));

        // Write under a temporary name and rename, so an interrupted save never leaves a truncated checkpoint behind.
        WriteAtomically(modelPath, temp => model.save(temp));
        WriteAtomically(optimizerPath, temp => optimizer.save_state_dict(temp));
        WriteAtomically(MetadataPath(modelPath), temp => (metadata with { OptimizerState = OptimizerFileName(epoch) }).Write(temp));

        string previous = Path.Combine(folder, OptimizerFileName(epoch - 1));
        if (epoch > 1 && File.Exists(previous))
        {
            File.Delete(previous);
            string previousMetadata = MetadataPath(ModelPath(folder, epoch - 1));
            CheckpointMetadata? old = CheckpointMetadata.TryRead(previousMetadata);
            if (old is not null)
            {
                (old with { OptimizerState = null }).Write(previousMetadata);
            }
        }

        return modelPath;
    }

    /// <summary>
    /// Loads <paramref name="modelPath"/> into <paramref name="model"/> (strict: every key and shape must match) and, when
    /// its optimizer state is still there, into <paramref name="optimizer"/>. Returns the metadata, or null without a sidecar.
    /// </summary>
    public static CheckpointMetadata? Load(string modelPath, PoseNet model, OptimizerHelper? optimizer, out bool optimizerRestored)
    {
        ArgumentNullException.ThrowIfNull(model);
        optimizerRestored = false;
        CheckpointMetadata? metadata = CheckpointMetadata.TryRead(MetadataPath(modelPath));
        if (metadata is not null && metadata.Architecture != model.Architecture)
        {
            PoseNetArchitecture a = metadata.Architecture;
            throw new TrainingException(
                $"checkpoint '{modelPath}' is for {a.ToCommandLine()}, not {model.Architecture.ToCommandLine()}");
        }

        try
        {
            model.load(modelPath, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            throw new TrainingException($"cannot load checkpoint '{modelPath}' into this network: {e.Message}");
        }

        string? optimizerFile = metadata?.OptimizerState;
        if (optimizer is not null && optimizerFile is not null)
        {
            string optimizerPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, optimizerFile);
            if (File.Exists(optimizerPath))
            {
                optimizer.load_state_dict(optimizerPath);
                optimizerRestored = true;
            }
        }

        return metadata;
    }

    private static void WriteAtomically(string path, Action<string> write)
    {
        string temp = path + ".tmp";
        write(temp);
        File.Move(temp, path, overwrite: true);
    }
}

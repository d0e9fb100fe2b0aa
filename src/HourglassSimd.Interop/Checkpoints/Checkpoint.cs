namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// The state dict read from a checkpoint file: every tensor with its stored key, plus notes on what the reader
/// skipped on the way (for example the optimizer state around a PyTorch state dict).
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Creates a checkpoint; keys must be unique.</summary>
    public Checkpoint(CheckpointFormat format, IReadOnlyList<CheckpointTensor> tensors, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!seen.Add(tensor.Name))
                throw new ArgumentException($"Key '{tensor.Name}' appears twice.", nameof(tensors));
        }
        Format = format;
        Tensors = tensors;
        Notes = notes ?? [];
    }

    /// <summary>The file format.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>The state dict's tensors in file order, keys as stored.</summary>
    public IReadOnlyList<CheckpointTensor> Tensors { get; }

    /// <summary>What the reader left out of <see cref="Tensors"/>, one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>A human name of <see cref="Format"/>.</summary>
    public string FormatName => Format switch
    {
        CheckpointFormat.TorchSharp => "TorchSharp Module.save",
        CheckpointFormat.PyTorchZip => "PyTorch torch.save (zip + pickle)",
        CheckpointFormat.Safetensors => "safetensors",
        _ => Format.ToString(),
    };
}

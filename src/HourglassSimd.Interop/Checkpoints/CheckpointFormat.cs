namespace HourglassSimd.Interop.Checkpoints;

/// <summary>The checkpoint file formats <see cref="CheckpointReader"/> understands (docs/checkpoint-formats.md).</summary>
public enum CheckpointFormat
{
    /// <summary>TorchSharp <c>Module.save</c>: LEB128 count, then key, dtype, shape and raw data per entry.</summary>
    TorchSharp,

    /// <summary>PyTorch <c>torch.save</c> zip: <c>*/data.pkl</c> (pickle) plus one <c>*/data/N</c> file per storage.</summary>
    PyTorchZip,

    /// <summary>safetensors: 8-byte header length, JSON header, raw data.</summary>
    Safetensors,
}

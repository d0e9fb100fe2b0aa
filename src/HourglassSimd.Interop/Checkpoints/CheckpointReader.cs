using System.Buffers.Binary;
using HourglassSimd.IO;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Reads a checkpoint in any supported format, recognised by its content rather than its extension: a zip is a
/// PyTorch <c>torch.save</c> file, an 8-byte length followed by <c>{</c> is safetensors, anything else is tried as a
/// TorchSharp <c>Module.save</c> file (which has no magic number).
/// </summary>
public static class CheckpointReader
{
    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The file; a device, FIFO or socket is refused before it is opened.</param>
    /// <param name="beforeData">
    /// Called with every state-dict tensor's name, shape and type before any tensor data is read, inflated or allocated;
    /// it may throw to stop (<see cref="CheckpointConverter.CheckSizes"/> refuses tensors no network of the inferred
    /// architecture could use).
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">Not a checkpoint, truncated, corrupt, unsupported or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new CheckpointFormatException(path, "is a directory, not a checkpoint file.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"checkpoint '{path}' does not exist.", path);
        RefuseNonRegular(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, beforeData);
    }

    /// <summary>Reads a checkpoint from a seekable <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="CheckpointFormatException">Not a checkpoint, truncated, corrupt, unsupported or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(Stream stream, string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        stream = SeekableStream.Ensure(stream);
        long start = stream.Position;
        Span<byte> head = stackalloc byte[9];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        stream.Position = start;
        if (read == 0)
            throw new CheckpointFormatException(path, "the file is empty, not a checkpoint.");

        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
            return PyTorchCheckpointReader.Read(stream, path, beforeData);
        if (head[0] == 0x80)
            throw new CheckpointFormatException(path,
                "this is a bare pickle: the legacy torch.save format of PyTorch before 1.6, or a pickle that is not a checkpoint. " +
                "Load it in PyTorch and save it again with a current version (zip format), or as safetensors.");
        if (read == 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var length && length >= 2 && length <= (ulong)(stream.Length - start - 8))
            return SafetensorsReader.Read(stream, path, beforeData);
        try
        {
            return TorchSharpCheckpointReader.Read(stream, path, beforeData);
        }
        catch (CheckpointFormatException e) when (e.Reason.StartsWith("not a TorchSharp checkpoint", StringComparison.Ordinal))
        {
            throw new CheckpointFormatException(path,
                "not a checkpoint: neither a PyTorch zip (torch.save), safetensors, nor a TorchSharp Module.save file " +
                $"(read as TorchSharp: {e.Reason.Replace("not a TorchSharp checkpoint (Module.save): ", "", StringComparison.Ordinal)})");
        }
    }

    /// <summary>Opening a FIFO waits for a writer and a device may never end: only regular files are read.</summary>
    internal static void RefuseNonRegular(string path)
    {
        var kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new CheckpointFormatException(path, $"'{path}' is {FileKinds.Describe(kind)}, not a checkpoint file.");
    }
}

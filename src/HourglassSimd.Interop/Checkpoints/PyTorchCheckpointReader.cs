using System.IO.Compression;
using HourglassSimd.Interop.Checkpoints.Pickle;

namespace HourglassSimd.Interop.Checkpoints;

/// <summary>
/// Reads a PyTorch checkpoint in the zip format of <c>torch.save</c> (PyTorch 1.6 and later): <c>NAME/data.pkl</c> is
/// a pickle of the saved object whose tensors point at storages <c>NAME/data/KEY</c>. The object may be a state dict
/// or a training checkpoint that holds one under <c>state_dict</c> (or <c>model_state_dict</c>, <c>model</c>); other
/// entries (epoch, optimizer state, ...) are parsed as plain data and ignored. Only the state dict's storages are read.
/// </summary>
public static class PyTorchCheckpointReader
{
    /// <summary>Largest <c>data.pkl</c> accepted (a state dict's pickle is a few hundred kilobytes).</summary>
    public const long MaxPickleBytes = 256L << 20;

    /// <summary>Entries of a training checkpoint that may hold the state dict, in the order they are tried.</summary>
    public static IReadOnlyList<string> StateDictEntries { get; } = ["state_dict", "model_state_dict", "model"];

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The file; a device, FIFO or socket is refused.</param>
    /// <param name="beforeData">Called with every state-dict tensor's name, shape and type once the pickle is read, before
    /// any storage is opened; it may throw to stop (see <see cref="CheckpointConverter.CheckSizes"/>).</param>
    /// <exception cref="CheckpointFormatException">Not such a checkpoint, truncated, corrupt, unsupported or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        CheckpointReader.RefuseNonRegular(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, beforeData);
    }

    /// <summary>Reads a checkpoint from a seekable <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="CheckpointFormatException">Not such a checkpoint, truncated, corrupt, unsupported or over a <see cref="CheckpointLimits"/> cap.</exception>
    public static Checkpoint Read(Stream stream, string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return Read(archive, path, beforeData);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"truncated or corrupt zip archive ({e.Message})");
        }
    }

    private static Checkpoint Read(ZipArchive archive, string path, Action<IReadOnlyList<CheckpointTensorInfo>>? beforeData)
    {
        var pickles = archive.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
        if (pickles.Count != 1)
            throw new CheckpointFormatException(path, pickles.Count == 0
                ? "a zip file, but not a PyTorch checkpoint: it has no 'NAME/data.pkl' entry."
                : $"a zip file with {pickles.Count} 'NAME/data.pkl' entries; a PyTorch checkpoint has one.");
        var pickleEntry = pickles[0];
        string root = pickleEntry.FullName[..^"data.pkl".Length];

        if (archive.GetEntry(root + "byteorder") is { } byteOrder)
        {
            string order = System.Text.Encoding.ASCII.GetString(ReadEntry(byteOrder, 16, path)).Trim();
            if (order != "little")
                throw new CheckpointFormatException(path, $"the storages are '{order}'-endian; only little-endian checkpoints are supported.");
        }

        byte[] pickle = ReadEntry(pickleEntry, MaxPickleBytes, path);
        object? saved = PickleInterpreter.Load(pickle, path, pickleEntry.FullName);
        var notes = new List<string>();
        var stateDict = SelectStateDict(saved, path, notes);

        var references = new List<(string Name, TorchTensorReference Tensor)>();
        foreach (var (key, value) in stateDict.Entries)
        {
            if (key is not string name)
            {
                notes.Add($"ignored a state dict entry with the non-string key {PickleInterpreter.Describe(key)}");
                continue;
            }
            if (value is not TorchTensorReference tensor)
            {
                notes.Add($"ignored the non-tensor state dict entry '{name}' ({PickleInterpreter.Describe(value)})");
                continue;
            }
            references.Add((name, tensor));
        }

        // Every size is checked before any storage is opened: nothing is inflated for a file that states too much.
        var storages = PlanStorages(archive, root, references, path);
        beforeData?.Invoke(references.Select(r => new CheckpointTensorInfo(r.Name, r.Tensor.Shape, r.Tensor.Storage.ElementType)).ToList());
        var tensors = new List<CheckpointTensor>();
        var storageBytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in references)
            tensors.Add(Materialize(name, tensor, storages, storageBytes, path));
        return new Checkpoint(CheckpointFormat.PyTorchZip, tensors, notes);
    }

    /// <summary>The state dict: the saved dict itself when it holds tensors, else its <see cref="StateDictEntries"/> entry.</summary>
    private static PickleDict SelectStateDict(object? saved, string path, List<string> notes)
    {
        if (saved is not PickleDict top)
            throw new CheckpointFormatException(path, $"the pickle holds {PickleInterpreter.Describe(saved)}, not a dict of tensors (a state dict).");
        if (top.Entries.Any(e => e.Value is TorchTensorReference) || top.Count == 0)
            return top;
        foreach (string name in StateDictEntries)
        {
            if (top.TryGetValue(name, out var inner) && inner is PickleDict dict && dict.Entries.Any(e => e.Value is TorchTensorReference))
            {
                var others = top.Entries.Select(e => e.Key).Where(k => k is not string s || s != name).Select(PickleInterpreter.Describe).ToList();
                notes.Add($"state dict taken from the checkpoint's '{name}' entry" + (others.Count > 0 ? $"; ignored {string.Join(", ", others)}" : ""));
                return dict;
            }
        }
        var keys = string.Join(", ", top.Entries.Take(12).Select(e => PickleInterpreter.Describe(e.Key)));
        throw new CheckpointFormatException(path,
            $"the checkpoint is a dict with keys {keys}{(top.Count > 12 ? ", ..." : "")} but holds no tensors and no state dict under {string.Join(", ", StateDictEntries.Select(n => $"'{n}'"))}.");
    }

    /// <summary>A storage to read: its zip entry and the bytes the state dict's tensors use (from its start).</summary>
    private sealed record StoragePlan(ZipArchiveEntry Entry, long Bytes);

    /// <summary>
    /// Checks every state-dict tensor against its storage and the <see cref="CheckpointLimits"/>, from the sizes the pickle
    /// and the zip directory state (nothing is inflated), and returns what to read of each storage.
    /// </summary>
    private static Dictionary<string, StoragePlan> PlanStorages(ZipArchive archive, string root,
        List<(string Name, TorchTensorReference Tensor)> references, string path)
    {
        var plans = new Dictionary<string, StoragePlan>(StringComparer.Ordinal);
        foreach (var (name, tensor) in references)
        {
            var storage = tensor.Storage;
            var type = storage.ElementType;
            if (!tensor.IsContiguous)
                throw new CheckpointFormatException(path,
                    $"tensor '{name}' is not contiguous (shape {CheckpointTensor.FormatShape(tensor.Shape)}, stride ({string.Join(", ", tensor.Stride)})); save it after .contiguous().");
            long count = tensor.ElementCount;
            if (count > 0 && (tensor.StorageOffset > storage.ElementCount || count > storage.ElementCount - tensor.StorageOffset))
                throw new CheckpointFormatException(path,
                    $"tensor '{name}' (offset {tensor.StorageOffset}, {count} elements) lies outside its storage '{storage.Key}' of {storage.ElementCount} elements.");
            if (!type.IsFloatingPoint() || count == 0)
                continue; // integer tensors are recorded without their values: their storages are never read
            if (count > CheckpointLimits.MaxTensorElements)
                throw new CheckpointFormatException(path,
                    $"tensor '{name}' has {count} elements, more than the largest tensor of any supported network ({CheckpointLimits.MaxTensorElements}, CheckpointLimits.MaxTensorElements).");
            if (storage.ElementCount > CheckpointLimits.MaxDataBytes / type.Size())
                throw new CheckpointFormatException(path,
                    $"storage '{storage.Key}' of tensor '{name}' declares {storage.ElementCount} {type.TorchName()} elements, more than the {CheckpointLimits.MaxDataBytes} bytes a checkpoint may hold (CheckpointLimits.MaxDataBytes).");
            var entry = archive.GetEntry($"{root}data/{storage.Key}")
                ?? throw new CheckpointFormatException(path, $"tensor '{name}' needs storage '{root}data/{storage.Key}', which the archive lacks (truncated or corrupt).");
            long declared = storage.ElementCount * type.Size();
            if (entry.Length < declared)
                throw new CheckpointFormatException(path,
                    $"truncated or corrupt: storage '{entry.FullName}' has {entry.Length} bytes; its {storage.ElementCount} {type.TorchName()} elements need {declared}.");
            long end = (tensor.StorageOffset + count) * type.Size();
            plans[storage.Key] = new StoragePlan(entry, Math.Max(end, plans.TryGetValue(storage.Key, out var plan) ? plan.Bytes : 0));
        }
        long total = plans.Values.Sum(p => p.Bytes);
        if (total > CheckpointLimits.MaxDataBytes)
            throw new CheckpointFormatException(path,
                $"the state dict's tensors take {total} bytes, more than the {CheckpointLimits.MaxDataBytes} a checkpoint may hold (CheckpointLimits.MaxDataBytes).");
        return plans;
    }

    private static CheckpointTensor Materialize(string name, TorchTensorReference tensor, Dictionary<string, StoragePlan> plans,
        Dictionary<string, byte[]> storages, string path)
    {
        var storage = tensor.Storage;
        var type = storage.ElementType;
        long count = tensor.ElementCount;
        if (!type.IsFloatingPoint())
            return new CheckpointTensor(name, tensor.Shape, type, null);
        if (count == 0)
            return new CheckpointTensor(name, tensor.Shape, type, []);
        if (!storages.TryGetValue(storage.Key, out var bytes))
        {
            var plan = plans[storage.Key];
            bytes = ReadEntry(plan.Entry, plan.Bytes, path);
            storages[storage.Key] = bytes;
        }
        var data = new float[count];
        type.ToFloat32(bytes.AsSpan((int)(tensor.StorageOffset * type.Size()), (int)(count * type.Size())), data);
        return new CheckpointTensor(name, tensor.Shape, type, data);
    }

    /// <summary>
    /// Reads an entry of at most <paramref name="maxBytes"/> bytes (its first <paramref name="maxBytes"/> for a longer
    /// storage) and, when it was read whole, checks its CRC-32 against the zip directory's.
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes, string path)
    {
        long length = Math.Min(entry.Length, maxBytes);
        if (entry.Length > maxBytes && !entry.FullName.Contains("/data/", StringComparison.Ordinal))
            throw new CheckpointFormatException(path, $"'{entry.FullName}' has {entry.Length} bytes, more than the {maxBytes} this reader accepts.");
        if (length > Array.MaxLength)
            throw new CheckpointFormatException(path, $"'{entry.FullName}' has {entry.Length} bytes, more than one array can hold.");
        var bytes = new byte[length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointFormatException(path, $"truncated or corrupt: '{entry.FullName}' ends before its stated {entry.Length} bytes.");
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"truncated or corrupt: '{entry.FullName}' cannot be read ({e.Message}).");
        }
        // Only a whole entry has a CRC to compare; a view's storage read in part is not checked.
        if (length == entry.Length && Crc32.Append(0, bytes) is var crc && crc != entry.Crc32)
            throw new CheckpointFormatException(path, $"corrupt: '{entry.FullName}' fails its CRC-32 check (the zip states {entry.Crc32:x8}, the data gives {crc:x8}).");
        return bytes;
    }
}

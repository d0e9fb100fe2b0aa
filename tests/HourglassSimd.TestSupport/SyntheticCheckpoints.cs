using HourglassSimd.Interop.Checkpoints;

namespace HourglassSimd.TestSupport;

/// <summary>
/// Checkpoint tensors made from the engine's seeded random weights (keys and shapes of hourglass-spec §1.8), without
/// TorchSharp: fast fixtures for the converter and the CLI's error paths.
/// </summary>
public static class SyntheticCheckpoints
{
    /// <summary>The trained-form tensors of <paramref name="architecture"/>, plus an int64 num_batches_tracked per batch norm.</summary>
    public static List<CheckpointTensor> Tensors(HourglassArchitecture architecture, int seed = 1, string prefix = "", bool counters = true)
    {
        var list = new List<CheckpointTensor>();
        foreach (var tensor in HourglassWeights.CreateRandom(architecture, seed).Tensors.Values)
        {
            list.Add(new CheckpointTensor(prefix + tensor.Name, [.. tensor.Shape], TensorElementType.Float32, (float[])tensor.Data.Clone()));
            if (counters && tensor.Name.EndsWith(".running_var", StringComparison.Ordinal))
                list.Add(new CheckpointTensor(prefix + tensor.Name.Replace(".running_var", ".num_batches_tracked", StringComparison.Ordinal), [], TensorElementType.Int64, null));
        }
        return list;
    }

    /// <summary>
    /// princeton-vl's unused shortcut convolutions: <c>skip_layer.conv.weight</c> [F, F, 1, 1] and <c>.bias</c> [F] for
    /// every residual whose input and output widths are equal.
    /// </summary>
    public static List<CheckpointTensor> IdentityShortcuts(IEnumerable<CheckpointTensor> tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        var list = new List<CheckpointTensor>();
        var random = new Random(5);
        foreach (var conv1 in byName.Values.Where(t => t.Name.EndsWith(".conv1.conv.weight", StringComparison.Ordinal)))
        {
            string residual = conv1.Name[..^".conv1.conv.weight".Length];
            var conv3 = byName[residual + ".conv3.conv.weight"];
            int inWidth = conv1.Shape[1], outWidth = conv3.Shape[0];
            if (inWidth != outWidth)
                continue;
            list.Add(new CheckpointTensor(residual + ".skip_layer.conv.weight", [outWidth, inWidth, 1, 1], TensorElementType.Float32,
                Enumerable.Range(0, outWidth * inWidth).Select(_ => random.NextSingle()).ToArray()));
            list.Add(new CheckpointTensor(residual + ".skip_layer.conv.bias", [outWidth], TensorElementType.Float32, new float[outWidth]));
        }
        return list;
    }

    public static Checkpoint Checkpoint(IEnumerable<CheckpointTensor> tensors) => new(CheckpointFormat.TorchSharp, tensors.ToList());

    /// <summary>The floating-point tensors as a PyTorch <c>torch.save</c> zip at <paramref name="path"/> (one stored storage each).</summary>
    public static string SaveTorchZip(string path, IEnumerable<CheckpointTensor> tensors)
    {
        var dict = new PyDict(ordered: true);
        int key = 0;
        foreach (var t in tensors.Where(t => t.Data is not null))
            dict.Add(t.Name, PyTensor.Contiguous(PyStorage.Floats((key++).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Data!), [.. t.Shape.Select(d => (long)d)]));
        TorchSaveWriter.Save(path, dict);
        return path;
    }

    /// <summary>The tensors as a TorchSharp Module.save file.</summary>
    public static byte[] TorchSharpBytes(IEnumerable<CheckpointTensor> tensors)
    {
        var writer = new TorchSharpFileWriter();
        foreach (var t in tensors)
        {
            long[] shape = t.Shape.Select(d => (long)d).ToArray();
            if (t.Data is null)
                writer.Add(t.Name, TorchSharpFileWriter.Int64, shape, new byte[8 * Math.Max(1, t.ElementCount)]);
            else
                writer.AddFloats(t.Name, shape, t.Data);
        }
        return writer.ToArray();
    }

    public static CheckpointTensor With(CheckpointTensor t, string? name = null, int[]? shape = null, float[]? data = null) =>
        new(name ?? t.Name, shape ?? t.Shape, t.ElementType, data ?? t.Data);
}

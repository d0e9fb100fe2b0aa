using System.Diagnostics;
using System.IO.Compression;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Npy;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Interop.Tests.Checkpoints;

/// <summary>
/// Issue 13 #4, #11 and #13: a 1 MB <c>.pt</c> whose deflated storage declared 1 GiB of float32 took 6 s and 2.1 GB
/// before failing; devices and FIFOs were opened as checkpoints; zip CRCs were not checked.
/// </summary>
public sealed class CheckpointLimitsTests : IDisposable
{
    private const long BombBytes = 256L << 20; // 64 Mi float32 elements; deflates to about 256 KB
    private static readonly HourglassArchitecture Arch = new(1, 16, 16, 64, 64);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// A zip whose pickle holds <paramref name="tensors"/> and whose storage "bomb" is <paramref name="bombBytes"/> zero
    /// bytes, deflated, declared as float32 elements. Small storages of the other tensors are stored.
    /// </summary>
    private string WriteBomb(string name, Func<PyStorage, PyDict> tensors, long bombBytes = BombBytes)
    {
        var bomb = new PyStorage("bomb", "FloatStorage", [], bombBytes / 4);
        byte[] pickle = TorchSaveWriter.Pickle(tensors(bomb), out var storages);
        string path = _temp.File(name);
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            entry.Write(pickle);
        foreach (var storage in storages.Where(s => s.Key != "bomb"))
        {
            using var entry = zip.CreateEntry($"archive/data/{storage.Key}", CompressionLevel.NoCompression).Open();
            entry.Write(storage.Bytes);
        }
        using (var entry = zip.CreateEntry("archive/data/bomb", CompressionLevel.Optimal).Open())
        {
            var zeros = new byte[1 << 20];
            for (long written = 0; written < bombBytes; written += zeros.Length)
                entry.Write(zeros);
        }
        return path;
    }

    private static (T Exception, long Allocated, TimeSpan Time) Measure<T>(Action read) where T : Exception
    {
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<T>(read);
        return (e, GC.GetAllocatedBytesForCurrentThread() - before, clock.Elapsed);
    }

    [Fact]
    public void A_tensor_larger_than_any_network_has_is_refused_before_its_storage_is_inflated()
    {
        string path = WriteBomb("bomb.pt", bomb => new PyDict().Add("pre.0.conv.weight", PyTensor.Contiguous(bomb, [BombBytes / 4])));
        Assert.True(new FileInfo(path).Length < 2 << 20);
        var (e, allocated, time) = Measure<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.Contains("more than the largest tensor of any supported network", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for a {BombBytes}-byte storage");
        Assert.True(time < TimeSpan.FromSeconds(5), $"took {time}");
    }

    /// <summary>
    /// A complete small network plus one extra tensor under the per-tensor cap: CheckSizes, given the tensors' shapes
    /// from the pickle, refuses it for holding far more values than the inferred architecture has; nothing is inflated.
    /// </summary>
    [Fact]
    public void Tensors_far_beyond_the_inferred_architecture_are_refused_before_anything_is_inflated()
    {
        long bombBytes = BombBytes / 2, extra = bombBytes / 4;
        Assert.True(extra <= CheckpointLimits.MaxTensorElements);
        string path = WriteBomb("network-and-bomb.pt", bomb =>
        {
            var dict = new PyDict(ordered: true);
            int key = 0;
            foreach (var t in SyntheticCheckpoints.Tensors(Arch, counters: false))
                dict.Add(t.Name, PyTensor.Contiguous(PyStorage.Floats($"{key++}", t.Data!), [.. t.Shape.Select(d => (long)d)]));
            return dict.Add("extra.weight", PyTensor.Contiguous(bomb, [extra]));
        }, bombBytes);
        var options = new ConversionOptions { InputSize = 64 };
        var (e, allocated, time) = Measure<CheckpointConversionException>(() => CheckpointConverter.ConvertFile(path, options));
        Assert.Contains($"more than {CheckpointConverter.MaxValuesPerParameter} times the {Arch.ParameterCount:N0} parameters", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was inflated", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
        Assert.True(time < TimeSpan.FromSeconds(5), $"took {time}");
    }

    /// <summary>A small view of a storage that declares 256 MiB: only the view's bytes are inflated.</summary>
    [Fact]
    public void Only_the_bytes_a_view_uses_are_read_from_a_large_storage()
    {
        string path = WriteBomb("view.pt", bomb => new PyDict().Add("w", PyTensor.Contiguous(bomb, [4], offset: 2)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var checkpoint = CheckpointReader.Read(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(new float[4], checkpoint.Tensors.Single().Data);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    /// <summary>The cap is the largest tensor a network at the feature cap has: the residuals' 3×3 convolution F/2 → F/2.</summary>
    [Fact]
    public void The_tensor_cap_is_the_largest_tensor_of_a_network_at_the_feature_cap()
    {
        foreach (int features in new[] { 512, 1024 }) // wide enough that a residual, not the fixed-width stem, holds the largest tensor
        {
            var arch = new HourglassArchitecture(2, features, 16, 64, 64);
            long largest = SyntheticCheckpoints.Tensors(arch, counters: false).Max(t => t.ElementCount);
            Assert.Equal(9L * features * features / 4, largest);
        }
        int f = HourglassArchitecture.MaxFeatures;
        Assert.Equal(CheckpointLimits.MaxTensorElements, 9L * f * f / 4);
    }

    [Fact]
    public void A_zip_entry_whose_data_fails_its_crc_is_refused()
    {
        var tensors = SyntheticCheckpoints.Tensors(Arch, counters: false);
        string path = SyntheticCheckpoints.SaveTorchZip(_temp.File("model.pt"), tensors);
        Assert.Equal(tensors.Count, CheckpointReader.Read(path).Tensors.Count); // intact: reads

        // Flip one bit of the first tensor's stored data (found by its first 16 bytes).
        byte[] bytes = File.ReadAllBytes(path);
        byte[] first = new byte[16];
        Buffer.BlockCopy(tensors[0].Data!, 0, first, 0, 16);
        int at = bytes.AsSpan().IndexOf(first);
        Assert.True(at > 0);
        bytes[at + 5] ^= 0x04;
        string damaged = _temp.Write("damaged.pt", bytes);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(damaged));
        Assert.Contains("fails its CRC-32 check", e.Message, StringComparison.Ordinal);
        Assert.Contains("archive/data/0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_crc_is_the_zip_one()
    {
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8)); // the standard check value
        byte[] data = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];
        Assert.Equal(Crc32.Append(0, data), Crc32.Append(Crc32.Append(0, data.AsSpan(0, 333)), data.AsSpan(333)));
    }

    [UnixFileSystemFact]
    public void Devices_and_fifos_are_refused_as_checkpoints_and_arrays_without_being_opened()
    {
        string fifo = SpecialFiles.MakeFifo(_temp.File("model.pt"));
        var clock = Stopwatch.StartNew();
        foreach (string path in new[] { SpecialFiles.ZeroDevice, fifo })
        {
            Assert.Contains("not a checkpoint file", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
            Assert.Contains("not a checkpoint file", Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpointReader.Read(path)).Message, StringComparison.Ordinal);
            Assert.Contains("not a .npy file", Assert.Throws<NpyFormatException>(() => NpyReader.Read(path)).Message, StringComparison.Ordinal);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}

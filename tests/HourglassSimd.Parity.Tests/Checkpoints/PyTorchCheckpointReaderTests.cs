using System.IO.Compression;
using System.Text;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Checkpoints.Pickle;
using HourglassSimd.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace HourglassSimd.Parity.Tests.Checkpoints;

public sealed class PyTorchCheckpointReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static nn.Module<Tensor, Tensor> SmallModule()
    {
        torch.manual_seed(3);
        var module = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
        using (torch.no_grad())
        {
            foreach (var (name, buffer) in module.named_buffers())
            {
                if (name.EndsWith("running_var", StringComparison.Ordinal))
                    buffer.uniform_(0.5, 1.5);
            }
        }
        return module;
    }

    /// <summary>The module's state dict as <see cref="TorchSaveWriter"/> input: an OrderedDict of tensors, one storage each.</summary>
    private static PyDict AsPyDict(nn.Module module, string prefix = "")
    {
        var dict = new PyDict(ordered: true);
        int key = 0;
        foreach (var (name, tensor) in module.state_dict())
        {
            long[] shape = tensor.shape;
            PyStorage storage = tensor.dtype == ScalarType.Float32
                ? PyStorage.Floats((key++).ToString(), tensor.data<float>().ToArray())
                : new PyStorage((key++).ToString(), "LongStorage", tensor.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray(), tensor.numel());
            dict.Add(prefix + name, PyTensor.Contiguous(storage, shape));
        }
        return dict;
    }

    private static void AssertMatchesStateDict(nn.Module module, Checkpoint checkpoint, string prefix = "")
    {
        var state = module.state_dict();
        Assert.Equal(state.Keys.Select(k => prefix + k), checkpoint.Tensors.Select(t => t.Name));
        foreach (var tensor in checkpoint.Tensors)
        {
            var expected = state[tensor.Name[prefix.Length..]];
            Assert.Equal(expected.shape.Select(d => (int)d), tensor.Shape);
            if (expected.dtype == ScalarType.Float32)
                Assert.Equal(expected.data<float>().ToArray(), tensor.Data!);
            else
                Assert.Equal(TensorElementType.Int64, tensor.ElementType);
        }
    }

    [Fact]
    public void PyBridgeSavePy_FlatStateDict_IsReadExactly()
    {
        var module = SmallModule();
        string path = _temp.File("bridge.pt");
        module.save_py(path);
        var checkpoint = CheckpointReader.Read(path);
        Assert.Equal(CheckpointFormat.PyTorchZip, checkpoint.Format);
        AssertMatchesStateDict(module, checkpoint);
        Assert.Empty(checkpoint.Notes);
    }

    [Fact]
    public void TestWriter_AgreesWithPyBridge_OnTheFlatCase()
    {
        // The hand-written torch.save layout and PyBridge's (Razorvine pickler) must read back to the same tensors,
        // and both pickles must describe the same keys, storages and shapes.
        var module = SmallModule();
        string bridge = _temp.File("bridge.pt"), ours = _temp.File("ours.pt");
        module.save_py(bridge);
        TorchSaveWriter.Save(ours, AsPyDict(module));

        var a = CheckpointReader.Read(bridge).Tensors;
        var b = CheckpointReader.Read(ours).Tensors;
        Assert.Equal(a.Select(t => (t.Name, t.ElementType, string.Join(",", t.Shape))), b.Select(t => (t.Name, t.ElementType, string.Join(",", t.Shape))));
        for (int i = 0; i < a.Count; i++)
            Assert.Equal(a[i].Data, b[i].Data!);

        static IEnumerable<(string, long, string)> Describe(string path)
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
            using var stream = entry.Open();
            var bytes = new byte[entry.Length];
            stream.ReadExactly(bytes);
            var dict = (PickleDict)PickleInterpreter.Load(bytes, path, entry.FullName)!;
            return dict.Entries.Select(e => ((string)e.Key!, ((TorchTensorReference)e.Value!).Storage.ElementCount, string.Join(",", ((TorchTensorReference)e.Value!).Shape)));
        }
        Assert.Equal(Describe(bridge), Describe(ours));
    }

    [Fact]
    public void TrainingCheckpoint_TakesStateDict_AndParsesOptimizerStateAsPlainData()
    {
        var module = SmallModule();
        var optimizerState = new PyDict()
            .Add(0L, new PyDict().Add("step", 10L).Add("exp_avg", PyTensor.Contiguous(PyStorage.Floats("90", [0.5f, 0.25f]), [2]))
                .Add("exp_avg_sq", PyTensor.Contiguous(PyStorage.Floats("91", [1, 2]), [2])))
            .Add(1L, new PyDict().Add("step", PyTensor.Contiguous(PyStorage.Floats("92", [10]), [])));
        var group = new PyDict().Add("lr", 2.5e-4).Add("betas", new object?[] { 0.9, 0.999 }).Add("eps", 1e-8).Add("weight_decay", 0L)
            .Add("amsgrad", false).Add("maximize", false).Add("foreach", null).Add("params", new List<object?> { 0L, 1L, 2L, 3L, 4L, 5L, 6L });
        var checkpoint = new PyDict()
            .Add("epoch", 12L)
            .Add("state_dict", AsPyDict(module, "model.module."))
            .Add("optimizer", new PyDict().Add("state", optimizerState).Add("param_groups", new List<object?> { group }))
            .Add("best_acc", 0.883)
            .Add("big", 1L << 40)
            .Add("negative", -70000L)
            .Add("name", "hourglass-2");
        string path = _temp.File("checkpoint.pth.tar");
        TorchSaveWriter.Save(path, checkpoint, archiveName: "checkpoint");

        var read = CheckpointReader.Read(path);
        AssertMatchesStateDict(module, read, "model.module.");
        Assert.Equal(["state dict taken from the checkpoint's 'state_dict' entry; ignored 'epoch', 'optimizer', 'best_acc', 'big', 'negative', 'name'"], read.Notes);
    }

    [Theory]
    [InlineData("model_state_dict")]
    [InlineData("model")]
    public void OtherStateDictEntries_AreFound(string entry)
    {
        var module = SmallModule();
        string path = _temp.File("entry.pt");
        TorchSaveWriter.Save(path, new PyDict().Add("epoch", 3L).Add(entry, AsPyDict(module, "module.")));
        AssertMatchesStateDict(module, CheckpointReader.Read(path), "module.");
    }

    [Fact]
    public void DictWithoutTensors_NamesItsKeys()
    {
        string path = _temp.File("notes.pt");
        TorchSaveWriter.Save(path, new PyDict().Add("epoch", 3L).Add("weights", new PyDict().Add("a", 1L)));
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.Contains("keys 'epoch', 'weights' but holds no tensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageOffsetsAndSharedStorages_AreHonoured()
    {
        var storage = PyStorage.Floats("0", Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
        var dict = new PyDict(ordered: true)
            .Add("a", PyTensor.Contiguous(storage, [2, 2], offset: 2))
            .Add("b", PyTensor.Contiguous(storage, [4], offset: 6))
            .Add("c", new PyTensor(storage, 1, [3, 1, 1], [1, 7, 9])) // size-1 dimensions may have any stride
            .Add("s", PyTensor.Contiguous(storage, [], offset: 9));
        string path = _temp.File("views.pt");
        TorchSaveWriter.Save(path, dict);
        var tensors = CheckpointReader.Read(path).Tensors;
        Assert.Equal([2f, 3, 4, 5], tensors[0].Data!);
        Assert.Equal([6f, 7, 8, 9], tensors[1].Data!);
        Assert.Equal([1f, 2, 3], tensors[2].Data!);
        Assert.Equal([9f], tensors[3].Data!);
        Assert.Empty(tensors[3].Shape);
    }

    [Fact]
    public void NonContiguousTensor_IsRejected()
    {
        var storage = PyStorage.Floats("0", new float[6]);
        string path = _temp.File("transposed.pt");
        TorchSaveWriter.Save(path, new PyDict(ordered: true).Add("w.t", new PyTensor(storage, 0, [2, 3], [1, 2])));
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.Equal("transposed.pt: tensor 'w.t' is not contiguous (shape [2, 3], stride (1, 2)); save it after .contiguous().", e.Message);
    }

    [Fact]
    public void TensorOutsideItsStorage_IsRejected()
    {
        var storage = PyStorage.Floats("0", new float[4]);
        string path = _temp.File("outside.pt");
        TorchSaveWriter.Save(path, new PyDict(ordered: true).Add("x", PyTensor.Contiguous(storage, [4], offset: 2)));
        Assert.Contains("lies outside its storage '0' of 4 elements", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsurdSizes_AreRefusedBeforeAllocating()
    {
        var small = PyStorage.Floats("0", new float[4]);
        string path = _temp.File("absurd.pt");
        TorchSaveWriter.Save(path, new PyDict(ordered: true).Add("x", PyTensor.Contiguous(small, [int.MaxValue, int.MaxValue, int.MaxValue])));
        Assert.Contains("lies outside its storage", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);

        var huge = new PyStorage("0", "FloatStorage", new byte[16], 1L << 62);
        TorchSaveWriter.Save(path, new PyDict(ordered: true).Add("x", PyTensor.Contiguous(huge, [4])));
        Assert.Contains("bytes a checkpoint may hold", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DoubleHalfAndBFloat16Storages_AreConverted()
    {
        var dict = new PyDict(ordered: true)
            .Add("d", PyTensor.Contiguous(new PyStorage("0", "DoubleStorage", [.. BitConverter.GetBytes(0.1), .. BitConverter.GetBytes(2.0)], 2), [2]))
            .Add("h", PyTensor.Contiguous(new PyStorage("1", "HalfStorage", BitConverter.GetBytes((Half)(-0.5f)), 1), [1]))
            .Add("b", PyTensor.Contiguous(new PyStorage("2", "BFloat16Storage", [0x80, 0x3F], 1), [1]));
        string path = _temp.File("types.pt");
        TorchSaveWriter.Save(path, dict);
        var tensors = CheckpointReader.Read(path).Tensors;
        Assert.Equal([0.1f, 2f], tensors[0].Data!);
        Assert.Equal([-0.5f], tensors[1].Data!);
        Assert.Equal([1f], tensors[2].Data!);
    }

    [Fact]
    public void BigEndianCheckpoint_IsRejected()
    {
        string path = _temp.File("big.pt");
        TorchSaveWriter.Save(path, AsPyDict(SmallModule()), byteOrder: "big");
        Assert.Contains("'big'-endian", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipWithoutPickle_IsNotACheckpoint()
    {
        string path = _temp.File("other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("readme.txt").Open())
            stream.Write("hello"u8);
        Assert.Contains("not a PyTorch checkpoint: it has no 'NAME/data.pkl' entry", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingStorageFile_IsReported()
    {
        string path = _temp.File("lost.pt");
        TorchSaveWriter.Save(path, AsPyDict(SmallModule()));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            zip.GetEntry("archive/data/1")!.Delete();
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.Contains("needs storage 'archive/data/1', which the archive lacks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortStorageFile_IsReported()
    {
        string path = _temp.File("short.pt");
        TorchSaveWriter.Save(path, AsPyDict(SmallModule()));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("archive/data/0")!.Delete();
            using var stream = zip.CreateEntry("archive/data/0").Open();
            stream.Write(new byte[10]);
        }
        Assert.Contains("storage 'archive/data/0' has 10 bytes", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationOfTheFile_FailsCleanly()
    {
        string path = _temp.File("whole.pt");
        SmallModule().save_py(path);
        byte[] bytes = File.ReadAllBytes(path);
        for (int length = 1; length < bytes.Length; length += 7)
        {
            var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(new MemoryStream(bytes[..length]), "cut.pt"));
            Assert.StartsWith("cut.pt: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryTruncationOfThePickle_FailsCleanly()
    {
        byte[] pickle = TorchSaveWriter.Pickle(new PyDict().Add("epoch", 1L).Add("state_dict", AsPyDict(SmallModule())), out _);
        for (int length = 0; length < pickle.Length; length++)
            Assert.Throws<CheckpointFormatException>(() => PickleInterpreter.Load(pickle[..length], "cut.pt", "archive/data.pkl"));
    }

    [Fact]
    public void CorruptedPickles_NeverThrowAnythingButCheckpointFormatException()
    {
        byte[] original = TorchSaveWriter.Pickle(new PyDict().Add("epoch", 1L).Add("state_dict", AsPyDict(SmallModule())), out var storages);
        var random = new Random(3);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] pickle = (byte[])original.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
                pickle[random.Next(pickle.Length)] = (byte)random.Next(256);
            string path = _temp.File($"fuzz.pt");
            using (var file = File.Create(path))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                using (var s = zip.CreateEntry("archive/data.pkl").Open())
                    s.Write(pickle);
                foreach (var storage in storages)
                {
                    using var s = zip.CreateEntry($"archive/data/{storage.Key}").Open();
                    s.Write(storage.Bytes);
                }
            }
            try
            {
                CheckpointReader.Read(path);
            }
            catch (CheckpointFormatException)
            {
            }
        }
    }

    [Fact]
    public void LegacyBarePickle_IsExplained()
    {
        string path = _temp.File("legacy.pt");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.']);
        Assert.Contains("legacy torch.save format of PyTorch before 1.6", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PickledWholeModule_IsRejectedWithAHint()
    {
        byte[] pickle = [0x80, 2, .. Encoding.ASCII.GetBytes("cmodels.posenet\nPoseNet\n"), (byte)')', 0x81, (byte)'.'];
        string path = _temp.File("model.pt");
        using (var file = File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("archive/data.pkl").Open())
            s.Write(pickle);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(path));
        Assert.Contains("global 'models.posenet.PoseNet' is not on the allow-list", e.Message, StringComparison.Ordinal);
        Assert.Contains("save model.state_dict() instead", e.Message, StringComparison.Ordinal);
    }
}

using System.Numerics;
using System.Text;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Checkpoints.Pickle;

namespace HourglassSimd.Interop.Tests.Checkpoints;

public sealed class PickleInterpreterTests
{
    private static object? Load(params byte[] pickle) => PickleInterpreter.Load(pickle, "x.pt", "archive/data.pkl");

    private static string Fails(params byte[] pickle) => Assert.Throws<CheckpointFormatException>(() => Load(pickle)).Message;

    private static byte[] Bytes(string ascii) => Encoding.Latin1.GetBytes(ascii);

    [Fact]
    public void Integers_InEveryEncoding()
    {
        // (BININT1 200, BININT2 40000, BININT -5, LONG1 -5, LONG1 2^40, LONG1 2^64 (9 bytes), INT text, LONG text, True, False, None)
        var tuple = (object?[])Load(
        [
            0x80, 2, (byte)'(',
            (byte)'K', 200,
            (byte)'M', 0x40, 0x9C,
            (byte)'J', 0xFB, 0xFF, 0xFF, 0xFF,
            0x8a, 1, 0xFB,
            0x8a, 6, 0, 0, 0, 0, 0, 1,
            0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1,
            .. Bytes("I123\n"), .. Bytes("L-77L\n"),
            0x88, 0x89, (byte)'N',
            (byte)'t', (byte)'.',
        ])!;
        Assert.Equal([200L, 40000L, -5L, -5L, 1L << 40, BigInteger.One << 64, 123L, -77L, true, false, null], tuple);
    }

    [Fact]
    public void FloatsStringsBytesAndContainers()
    {
        var dict = (PickleDict)Load(
        [
            0x80, 2, (byte)'}', (byte)'q', 0, (byte)'(',
            0x8c, 1, (byte)'f', (byte)'G', 0x3F, 0xF8, 0, 0, 0, 0, 0, 0, // 'f': 1.5
            (byte)'X', 2, 0, 0, 0, 0xC3, 0xA9, (byte)']', (byte)'(', (byte)'K', 1, (byte)'K', 2, (byte)'e', // 'é': [1, 2]
            (byte)'U', 1, (byte)'t', 0x8c, 1, (byte)'a', 0x85, // 't': ('a',)
            (byte)'C', 2, 1, 2, (byte)'K', 3, // b'\x01\x02': 3
            (byte)'u',
            (byte)'h', 0, (byte)'0', // BINGET 0 then POP: a no-op on the result
            (byte)'.',
        ])!;
        Assert.Equal(4, dict.Count);
        Assert.True(dict.TryGetValue("f", out var f));
        Assert.Equal(1.5, f);
        Assert.True(dict.TryGetValue("é", out var list));
        Assert.Equal([1L, 2L], (List<object?>)list!);
        Assert.True(dict.TryGetValue("t", out var t));
        Assert.Equal(["a"], (object?[])t!);
        Assert.Equal([(byte)1, (byte)2], (byte[])dict.Entries[3].Key!);
        Assert.Equal(3L, dict.Entries[3].Value);
    }

    [Fact]
    public void LaterSetItem_ReplacesEarlierKey_AsInPython()
    {
        var dict = (PickleDict)Load([0x80, 2, (byte)'}', 0x8c, 1, (byte)'k', (byte)'K', 1, (byte)'s', 0x8c, 1, (byte)'k', (byte)'K', 2, (byte)'s', (byte)'.'])!;
        Assert.Equal(1, dict.Count);
        Assert.True(dict.TryGetValue("k", out var value));
        Assert.Equal(2L, value);
    }

    [Fact]
    public void OrderedDictWithMetadata_IsADictWithAttributes()
    {
        byte[] pickle =
        [
            0x80, 2, .. Bytes("ccollections\nOrderedDict\n"), (byte)'q', 0, (byte)')', (byte)'R', (byte)'q', 1,
            (byte)'(', 0x8c, 1, (byte)'a', (byte)'K', 7, (byte)'u',
            (byte)'}', 0x8c, 9, .. Bytes("_metadata"), (byte)'h', 0, (byte)')', (byte)'R', (byte)'s', (byte)'b', (byte)'.',
        ];
        var dict = (PickleDict)Load(pickle)!;
        Assert.Equal(1, dict.Count);
        Assert.IsType<PickleDict>(dict.Attributes);
    }

    [Fact]
    public void InertGlobals_BecomeData_WithoutRunningAnything()
    {
        // argparse.Namespace via NEWOBJ + BUILD, as a training script's saved arguments look.
        var value = Load([0x80, 2, .. Bytes("cargparse\nNamespace\n"), (byte)')', 0x81, (byte)'}', 0x8c, 2, (byte)'l', (byte)'r', (byte)'K', 1, (byte)'s', (byte)'b', (byte)'.']);
        var inert = Assert.IsType<PickleObject>(value);
        Assert.Equal(new PickleGlobal("argparse", "Namespace"), inert.Type);
        Assert.IsType<PickleDict>(inert.State);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    public void GlobalsOutsideTheAllowList_AreRejected(string module, string name)
    {
        string message = Fails([0x80, 2, .. Bytes($"c{module}\n{name}\n"), 0x8c, 2, (byte)'l', (byte)'s', 0x85, (byte)'R', (byte)'.']);
        Assert.Contains($"global '{module}.{name}' is not on the allow-list", message, StringComparison.Ordinal);
        Assert.Contains("archive/data.pkl offset 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public void StackGlobal_IsCheckedToo() =>
        Assert.Contains("'posix.system'", Fails([0x80, 4, 0x8c, 5, .. Bytes("posix"), 0x8c, 6, .. Bytes("system"), 0x93, (byte)'.']), StringComparison.Ordinal);

    [Fact]
    public void WholePickledModel_GetsAHint() =>
        Assert.Contains("save model.state_dict() instead", Fails([0x80, 2, .. Bytes("c__main__\nPoseNet\n"), (byte)'.']), StringComparison.Ordinal);

    [Theory]
    [InlineData((byte)'i', "0x69 ('i')")] // INST
    [InlineData((byte)'o', "0x6f ('o')")] // OBJ
    [InlineData((byte)'V', "0x56 ('V')")] // UNICODE (protocol 0)
    [InlineData((byte)'P', "0x50 ('P')")] // PERSID (text)
    [InlineData((byte)0x92, "0x92")] // NEWOBJ_EX
    [InlineData((byte)0x96, "0x96")] // BYTEARRAY8 (protocol 5)
    public void UnsupportedOpcodes_AreRejected(byte opcode, string shown) =>
        Assert.Contains($"pickle opcode {shown} is not supported", Fails(0x80, 2, opcode, (byte)'.'), StringComparison.Ordinal);

    [Fact]
    public void MalformedPrograms_FailWithAMessage()
    {
        Assert.Contains("STOP with 0 values", Fails(0x80, 2, (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("memo entry 5 is read before it is stored", Fails(0x80, 2, (byte)'h', 5, (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("APPEND on dict", Fails(0x80, 2, (byte)'}', (byte)'K', 1, (byte)'a', (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("REDUCE needs a global", Fails(0x80, 2, (byte)'K', 1, (byte)')', (byte)'R', (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("SETITEMS with an odd number", Fails(0x80, 2, (byte)'}', (byte)'(', (byte)'K', 1, (byte)'u', (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("no MARK", Fails(0x80, 2, (byte)'t', (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("the stack is empty", Fails(0x80, 2, (byte)'(', (byte)'0', (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("protocol 9", Fails(0x80, 9, (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("LONG4 integer of 100000 bytes", Fails(0x80, 2, 0x8b, 0xA0, 0x86, 0x01, 0x00, (byte)'.'), StringComparison.Ordinal);
    }

    [Fact]
    public void HugeLengths_AreCheckedBeforeAllocating()
    {
        Assert.Contains("truncated", Fails(0x80, 2, (byte)'X', 0xFF, 0xFF, 0xFF, 0x7F, (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("truncated", Fails(0x80, 2, 0x8d, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'.'), StringComparison.Ordinal);
        Assert.Contains("truncated", Fails(0x80, 2, (byte)'B', 0xFF, 0xFF, 0xFF, 0xFF), StringComparison.Ordinal);
    }

    [Fact]
    public void RebuildTensor_NeedsAStoragePersistentId()
    {
        byte[] storage = [(byte)'(', 0x8c, 7, .. Bytes("storage"), .. Bytes("ctorch\nFloatStorage\n"), 0x8c, 1, (byte)'0', 0x8c, 3, .. Bytes("cpu"), (byte)'K', 6, (byte)'t', (byte)'Q'];
        byte[] pickle =
        [
            0x80, 2, .. Bytes("ctorch._utils\n_rebuild_tensor_v2\n"), (byte)'(', .. storage,
            (byte)'K', 2, (byte)'K', 2, (byte)'K', 2, 0x86, (byte)'K', 2, (byte)'K', 1, 0x86, 0x89, (byte)'}', (byte)'t', (byte)'R', (byte)'.',
        ];
        var tensor = Assert.IsType<TorchTensorReference>(Load(pickle));
        Assert.Equal(2, tensor.StorageOffset);
        Assert.Equal([2, 2], tensor.Shape);
        Assert.Equal(new TorchStorageReference("0", TensorElementType.Float32, "cpu", 6), tensor.Storage);
        Assert.True(tensor.IsContiguous);

        // A persistent id that is not ('storage', ...) and a storage key with a path in it are refused.
        Assert.Contains("not a torch storage", Fails([0x80, 2, 0x8c, 1, (byte)'x', (byte)'Q', (byte)'.']), StringComparison.Ordinal);
        byte[] escaping = [0x80, 2, (byte)'(', 0x8c, 7, .. Bytes("storage"), .. Bytes("ctorch\nFloatStorage\n"), 0x8c, 5, .. Bytes("../x0"), 0x8c, 3, .. Bytes("cpu"), (byte)'K', 6, (byte)'t', (byte)'Q', (byte)'.'];
        Assert.Contains("short alphanumeric name", Fails(escaping), StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytes_NeverThrowAnythingButCheckpointFormatException()
    {
        var random = new Random(11);
        byte[] alphabet = [.. Bytes("(tlde)]}NKMJqhrjsuaQRbc.0"), 0x80, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x93, 0x94, 2, 0, 1, 255];
        for (int trial = 0; trial < 20000; trial++)
        {
            var bytes = new byte[random.Next(1, 40)];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            try
            {
                Load(bytes);
            }
            catch (CheckpointFormatException)
            {
            }
        }
    }
}

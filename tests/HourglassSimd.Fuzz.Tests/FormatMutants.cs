using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>The format-aware mutants of each input format, on top of <see cref="BinaryMutator"/> and <see cref="JsonMutator"/>.</summary>
public static class FormatMutants
{
    // ---- .hgw: 'HGWEIGHT', version (i32), header length (i32), JSON header, data at a 64-byte boundary, SHA-256.

    private static readonly IntField[] HgwFields = [new(8, 4), new(12, 4), new(12, 8), new(8, 8)];

    public static byte[] Hgw(Random random)
    {
        byte[] seed = Seeds.Model;
        switch (random.Next(5))
        {
            case 0: // damaged, checksum left as it is
                return BinaryMutator.Mutate(seed, random, HgwFields);
            case 1: // damaged, then re-signed: the checksum matches again
                return ResealHgw(BinaryMutator.Mutate(seed, random, HgwFields));
            default: // the JSON header attacked and the file re-signed, so that the range checks are what stands
            {
                string header = Encoding.UTF8.GetString(seed, 16, BinaryPrimitives.ReadInt32LittleEndian(seed.AsSpan(12)));
                byte[] json = random.Next(5) == 0 ? JsonMutator.Mutate(header, random) : Encoding.UTF8.GetBytes(JsonMutator.MutateTree(header, random));
                return HgwWithHeader(seed, json);
            }
        }
    }

    /// <summary>The model file with another JSON header (the data block moved to the next 64-byte boundary), re-signed.</summary>
    public static byte[] HgwWithHeader(byte[] seed, byte[] json)
    {
        int oldLength = BinaryPrimitives.ReadInt32LittleEndian(seed.AsSpan(12));
        int oldStart = Align(16 + oldLength);
        int dataLength = seed.Length - 32 - oldStart;
        int start = Align(16 + json.Length);
        var content = new byte[start + dataLength];
        seed.AsSpan(0, 12).CopyTo(content);
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(12), json.Length);
        json.CopyTo(content, 16);
        seed.AsSpan(oldStart, dataLength).CopyTo(content.AsSpan(start));
        return [.. content, .. SHA256.HashData(content)];
    }

    /// <summary>The last 32 bytes replaced by the SHA-256 of the rest.</summary>
    public static byte[] ResealHgw(byte[] file)
    {
        if (file.Length < 32)
            return file;
        var copy = (byte[])file.Clone();
        SHA256.HashData(copy.AsSpan(0, copy.Length - 32)).CopyTo(copy, copy.Length - 32);
        return copy;
    }

    private static int Align(int n) => (n + 63) / 64 * 64;

    // ---- TorchSharp Module.save: LEB128 count; per tensor a string key, LEB128 dtype, rank, dimensions, raw data.

    public static byte[] TorchSharp(Random random)
    {
        if (random.Next(2) == 0)
            return BinaryMutator.Mutate(Seeds.TorchSharp, random);
        var tensors = Seeds.Tensors;
        int victim = random.Next(tensors.Count);
        int what = random.Next(5);
        var writer = new TorchSharpFileWriter();
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            string key = t.Name;
            int dtype = t.Data is null ? TorchSharpFileWriter.Int64 : TorchSharpFileWriter.Float32;
            long[] shape = t.Shape.Select(d => (long)d).ToArray();
            byte[] data = t.Data is null ? new byte[8] : t.Data.SelectMany(BitConverter.GetBytes).ToArray();
            if (i == victim)
            {
                switch (what)
                {
                    case 0: // a dimension set to an extreme
                        if (shape.Length > 0)
                            shape[random.Next(shape.Length)] = unchecked((long)BinaryMutator.Extreme(random));
                        break;
                    case 1: // a dimension added or dropped
                        shape = random.Next(2) == 0 || shape.Length == 0 ? [.. shape, 1 + random.Next(3)] : shape[1..];
                        break;
                    case 2: // another element type
                        dtype = random.Next(3) == 0 ? unchecked((int)BinaryMutator.Extreme(random)) : random.Next(32);
                        break;
                    case 3: // a strange key
                        key = random.Next(3) switch { 0 => "", 1 => new string('k', 1 + random.Next(70_000)), _ => key + "\u0000\ud7ff" };
                        break;
                    default: // the data cut short (the rest of the file then misread)
                        data = data[..random.Next(data.Length + 1)];
                        break;
                }
            }
            writer.Add(key, dtype, shape, data);
        }
        byte[] file = writer.ToArray();
        if (random.Next(6) == 0)
        {
            // The tensor count (LEB128 at the start) set to an extreme.
            using var stream = new MemoryStream();
            TorchSharpFileWriter.WriteLeb128(stream, BinaryMutator.Extreme(random));
            int skip = 0;
            while ((file[skip++] & 0x80) != 0)
            {
            }
            stream.Write(file.AsSpan(skip));
            file = stream.ToArray();
        }
        return file;
    }

    // ---- torch.save zip: stored entries archive/data.pkl, archive/data/<key>, archive/version.

    public static byte[] TorchZip(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return BinaryMutator.Mutate(Seeds.TorchZip, random, ZipFields(Seeds.TorchZip));
            case 1:
                return BinaryMutator.Mutate(Seeds.TorchZip, random);
            case 2: // the pickle damaged, the zip rebuilt with correct CRCs
            {
                var (pickle, storages) = Seeds.TorchPickle();
                return Seeds.TorchZipOf(BinaryMutator.Mutate(pickle, random), storages);
            }
            default: // a storage cut, grown or dropped, the zip rebuilt with correct CRCs
            {
                var (pickle, storages) = Seeds.TorchPickle();
                int victim = random.Next(storages.Count);
                var (key, bytes) = storages[victim];
                switch (random.Next(3))
                {
                    case 0:
                        storages[victim] = (key, bytes[..random.Next(bytes.Length)]);
                        break;
                    case 1:
                        storages[victim] = (key, [.. bytes, .. new byte[1 + random.Next(4096)]]);
                        break;
                    default:
                        storages.RemoveAt(victim);
                        break;
                }
                return Seeds.TorchZipOf(pickle, storages);
            }
        }
    }

    /// <summary>The size, offset, count and length fields of every zip record (local headers, central directory, end record).</summary>
    public static IntField[] ZipFields(byte[] zip)
    {
        var fields = new List<IntField>();
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            if (zip[i] != 'P' || zip[i + 1] != 'K')
                continue;
            if (zip[i + 2] == 3 && zip[i + 3] == 4)
                fields.AddRange([new(i + 14, 4), new(i + 18, 4), new(i + 22, 4), new(i + 26, 2), new(i + 28, 2), new(i + 8, 2)]);
            else if (zip[i + 2] == 1 && zip[i + 3] == 2)
                fields.AddRange([new(i + 20, 4), new(i + 24, 4), new(i + 28, 2), new(i + 30, 2), new(i + 32, 2), new(i + 42, 4), new(i + 10, 2)]);
            else if (zip[i + 2] == 5 && zip[i + 3] == 6)
                fields.AddRange([new(i + 8, 2), new(i + 10, 2), new(i + 12, 4), new(i + 16, 4), new(i + 20, 2)]);
        }
        return [.. fields];
    }

    // ---- safetensors: u64 header length, JSON header {name: {dtype, shape, data_offsets}}, data.

    public static byte[] Safetensors(Random random)
    {
        string header = Seeds.SafetensorsHeader();
        byte[] data = Seeds.SafetensorsData();
        switch (random.Next(5))
        {
            case 0:
                return BinaryMutator.Mutate(Seeds.SafetensorsFile(header, data), random, [new(0, 8), new(0, 4), new(4, 4)]);
            case 1: // the header length set to an extreme
                return BinaryMutator.WithInteger(Seeds.SafetensorsFile(header, data), new IntField(0, 8), BinaryMutator.Extreme(random));
            case 2: // the header attacked, the data cut short
                return Seeds.SafetensorsFile(JsonMutator.MutateTree(header, random), data[..random.Next(data.Length)]);
            default: // the header attacked, its length right
                return Seeds.SafetensorsFile(random.Next(5) == 0 ? JsonMutator.Mutate(header, random) : Encoding.UTF8.GetBytes(JsonMutator.MutateTree(header, random)), data);
        }
    }

    // ---- .npy: magic, version, u16 (v1) or u32 (v2) header length, a Python dict literal, data.

    private static readonly string[] Descrs = ["<f4", ">f4", "<f8", "|u1", "<i4", "<f2", "", "<f4x", "O", "<U10", "f4", "<c8", "|b1"];

    public static byte[] Npy(Random random)
    {
        byte[] seed = Seeds.Npy;
        switch (random.Next(4))
        {
            case 0:
                return BinaryMutator.Mutate(seed, random, [new(6, 1), new(7, 1), new(8, 2), new(8, 4)]);
            case 1: // the data cut or grown under a valid header
                return random.Next(2) == 0 ? seed[..random.Next(seed.Length)] : [.. seed, .. new byte[1 + random.Next(100)]];
            default: // the header dictionary attacked, its length right
            {
                string descr = random.Next(3) == 0 ? Descrs[random.Next(Descrs.Length)] : "<f4";
                string order = random.Next(5) == 0 ? new[] { "True", "1", "'x'", "None" }[random.Next(4)] : "False";
                string shape = random.Next(3) == 0 ? "(1, 3, 64, 64)" : RandomShape(random);
                string dict = random.Next(8) switch
                {
                    0 => $"{{'descr': '{descr}', 'shape': {shape}, }}",
                    1 => $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, 'extra': 1, }}",
                    2 => $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}",
                    3 => $"{{'shape': {shape}, 'descr': {descr}, 'fortran_order': {order}}}",
                    _ => $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}",
                };
                byte[] file = NpyFile(dict, seed.AsSpan(10 + BinaryPrimitives.ReadUInt16LittleEndian(seed.AsSpan(8))).ToArray(), random.Next(6) == 0 ? 2 : 1);
                return random.Next(4) == 0 ? BinaryMutator.Mutate(file, random) : file;
            }
        }
    }

    private static string RandomShape(Random random)
    {
        int rank = random.Next(8) == 0 ? random.Next(40) : random.Next(6);
        var dims = new List<string>();
        for (int i = 0; i < rank; i++)
            dims.Add(random.Next(3) switch
            {
                0 => unchecked((long)BinaryMutator.Extreme(random)).ToString(CultureInfo.InvariantCulture),
                1 => random.Next(-2, 100).ToString(CultureInfo.InvariantCulture),
                _ => new[] { "1", "3", "64", "99999999999999999999", "1.5", "'a'", "", "-0", "0x10", "None" }[random.Next(10)],
            });
        return rank == 1 && random.Next(2) == 0 ? $"({dims[0]})" : "(" + string.Join(", ", dims) + (rank == 1 ? ",)" : ")");
    }

    /// <summary>An .npy file of <paramref name="dictionary"/> (padded to 64 bytes, newline-terminated) and <paramref name="data"/>.</summary>
    public static byte[] NpyFile(string dictionary, byte[] data, int major)
    {
        int preamble = major == 1 ? 10 : 12;
        int total = (preamble + dictionary.Length + 1 + 63) / 64 * 64;
        byte[] header = Encoding.ASCII.GetBytes(dictionary + new string(' ', total - preamble - dictionary.Length - 1) + "\n");
        var file = new byte[preamble + header.Length + data.Length];
        file[0] = 0x93;
        "NUMPY"u8.CopyTo(file.AsSpan(1));
        file[6] = (byte)major;
        if (major == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)header.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)header.Length);
        header.CopyTo(file, preamble);
        data.CopyTo(file, preamble + header.Length);
        return file;
    }
}

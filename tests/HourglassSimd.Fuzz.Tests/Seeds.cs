using System.IO.Compression;
using System.Text;
using System.Text.Json;
using HourglassSimd.Datasets;
using HourglassSimd.Interop.Checkpoints;
using HourglassSimd.Interop.Npy;
using HourglassSimd.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Fuzz.Tests;

/// <summary>
/// The valid files the mutants start from, made by the real writers: a small network (1 stack, 16 features, 16 joints,
/// 64x64) converted and saved as <c>.hgw</c>; its trained-form tensors as a TorchSharp <c>Module.save</c> file, a
/// <c>torch.save</c> zip and a safetensors file; a <c>.npy</c> input from <see cref="NpyWriter"/>; images encoded by
/// ImageSharp; annotation and boxes files from <see cref="SyntheticPeopleDataset"/>. Built once per test run.
/// </summary>
public static class Seeds
{
    /// <summary>The seed network's architecture: small, so that every accepted mutant also runs quickly.</summary>
    public static HourglassArchitecture Architecture { get; } = new(stacks: 1, features: 16, joints: 16, inputHeight: 64, inputWidth: 64);

    private static readonly Lazy<List<CheckpointTensor>> LazyTensors = new(() => SyntheticCheckpoints.Tensors(Architecture, seed: 7));
    private static readonly Lazy<byte[]> LazyModel = new(() =>
    {
        var model = CheckpointConverter.Convert(SyntheticCheckpoints.Checkpoint(Tensors), new ConversionOptions { InputSize = 64 }).Model;
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    });
    private static readonly Lazy<byte[]> LazyTorchZip = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), "hourglass-fuzz-" + Guid.NewGuid().ToString("N") + ".pt");
        try
        {
            SyntheticCheckpoints.SaveTorchZip(path, Tensors);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    });
    private static readonly Lazy<(string Annotations, string Boxes)> LazyDataset = new(() =>
    {
        using var folder = new TempFolder();
        SyntheticPeopleDataset.Write(folder.Path, new SyntheticPeopleOptions
        {
            TrainPeople = 3, ValidationPeople = 3, ImageSize = 64, MaxPeoplePerImage = 2, Seed = 5, Threads = 1,
        });
        return (File.ReadAllText(Path.Combine(folder.Path, "annotations.json")), File.ReadAllText(Path.Combine(folder.Path, "boxes.json")));
    });

    /// <summary>The trained-form tensors of <see cref="Architecture"/> (seeded random weights), with batch-norm counters.</summary>
    public static List<CheckpointTensor> Tensors => LazyTensors.Value;

    /// <summary>The <c>.hgw</c> file of the seed network.</summary>
    public static byte[] Model => LazyModel.Value;

    /// <summary>The tensors as a TorchSharp <c>Module.save</c> file.</summary>
    public static byte[] TorchSharp { get; } = SyntheticCheckpoints.TorchSharpBytes(SyntheticCheckpoints.Tensors(Architecture, seed: 7));

    /// <summary>The tensors as a PyTorch <c>torch.save</c> zip.</summary>
    public static byte[] TorchZip => LazyTorchZip.Value;

    /// <summary>The tensors as a safetensors file.</summary>
    public static byte[] Safetensors => SafetensorsFile(SafetensorsHeader(), SafetensorsData());

    /// <summary>A [1, 3, 64, 64] float32 input.</summary>
    public static byte[] Npy { get; } = NpyBytes();

    /// <summary>An annotation file (MPII style) as <c>hourglass synth</c> writes it.</summary>
    public static string Annotations => LazyDataset.Value.Annotations;

    /// <summary>A boxes file in the object form, as <c>hourglass synth</c> writes it.</summary>
    public static string BoxesObjectForm => LazyDataset.Value.Boxes;

    /// <summary>A boxes file in the COCO array form, as infer's results.json has it.</summary>
    public const string BoxesArrayForm =
        """[{"image_id": "a.png", "category_id": 1, "bbox": [4, 6, 40, 50], "score": 0.9}, {"image_id": "b.png", "category_id": 2, "bbox": [1, 2, 3, 4]}, {"image_id": "a.png", "bbox": [0.5, 0.5, 20, 20]}]""";

    /// <summary>A 48x40 picture (gradients and a disc) as PNG (non-interlaced or Adam7).</summary>
    public static byte[] Png(bool interlaced) =>
        Encode((image, s) => image.SaveAsPng(s, new PngEncoder { InterlaceMethod = interlaced ? PngInterlaceMode.Adam7 : PngInterlaceMode.None }), interlaced ? 1 : 0);

    /// <summary>The picture as JPEG (4:2:0 or 4:4:4).</summary>
    public static byte[] Jpeg(bool subsampled) =>
        Encode((image, s) => image.SaveAsJpeg(s, new JpegEncoder { Quality = 80, ColorType = subsampled ? JpegColorType.YCbCrRatio420 : JpegColorType.YCbCrRatio444 }),
            subsampled ? 3 : 2);

    /// <summary>The picture as BMP (24 bits, or 8 with a palette).</summary>
    public static byte[] Bmp(bool palette) =>
        Encode((image, s) => image.SaveAsBmp(s, new BmpEncoder { BitsPerPixel = palette ? BmpBitsPerPixel.Pixel8 : BmpBitsPerPixel.Pixel24 }), palette ? 5 : 4);

    private static byte[] Encode(Action<Image<Rgb24>, Stream> save, int variant)
    {
        using var image = new Image<Rgb24>(48, 40);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                bool disc = (x - 24) * (x - 24) + (y - 20) * (y - 20) < 120;
                image[x, y] = disc ? new Rgb24(250, 40, (byte)(60 * variant)) : new Rgb24((byte)(x * 5), (byte)(y * 6), (byte)((x + y) * 3));
            }
        using var stream = new MemoryStream();
        save(image, stream);
        return stream.ToArray();
    }

    /// <summary>The pickle and storages of <see cref="Tensors"/> as <see cref="SyntheticCheckpoints.SaveTorchZip"/> writes them.</summary>
    public static (byte[] Pickle, List<(string Key, byte[] Bytes)> Storages) TorchPickle()
    {
        var dict = new PyDict(ordered: true);
        int key = 0;
        foreach (var t in Tensors.Where(t => t.Data is not null))
            dict.Add(t.Name, PyTensor.Contiguous(PyStorage.Floats((key++).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Data!),
                [.. t.Shape.Select(d => (long)d)]));
        byte[] pickle = TorchSaveWriter.Pickle(dict, out var storages);
        return (pickle, storages.Select(s => (s.Key, s.Bytes)).ToList());
    }

    private static byte[] NpyBytes()
    {
        var data = new float[3 * 64 * 64];
        for (int i = 0; i < data.Length; i++)
            data[i] = (i % 97) / 97f;
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, new NpyArray([1, 3, 64, 64], data));
        return stream.ToArray();
    }

    /// <summary>The safetensors JSON header of <see cref="Tensors"/> (floating-point tensors, F32, in order).</summary>
    public static string SafetensorsHeader()
    {
        var json = new StringBuilder("{\"__metadata__\": {\"format\": \"pt\"}");
        long offset = 0;
        foreach (var t in Tensors.Where(t => t.Data is not null))
        {
            long end = offset + t.Data!.Length * 4L;
            json.Append(System.Globalization.CultureInfo.InvariantCulture,
                $", {JsonSerializer.Serialize(t.Name)}: {{\"dtype\": \"F32\", \"shape\": [{string.Join(", ", t.Shape)}], \"data_offsets\": [{offset}, {end}]}}");
            offset = end;
        }
        return json.Append('}').ToString();
    }

    /// <summary>The data block of <see cref="SafetensorsHeader"/>.</summary>
    public static byte[] SafetensorsData() => Tensors.Where(t => t.Data is not null).SelectMany(t => t.Data!.SelectMany(BitConverter.GetBytes)).ToArray();

    /// <summary>A safetensors file: the header's length (u64 little-endian), the header, the data.</summary>
    public static byte[] SafetensorsFile(string header, byte[] data) => SafetensorsFile(Encoding.UTF8.GetBytes(header), data);

    public static byte[] SafetensorsFile(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BitConverter.TryWriteBytes(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A <c>torch.save</c> zip holding <paramref name="pickle"/> and <paramref name="storages"/>, with correct CRCs.</summary>
    public static byte[] TorchZipOf(byte[] pickle, IEnumerable<(string Key, byte[] Bytes)> storages)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickle);
            Add(zip, "archive/byteorder", "little"u8.ToArray());
            foreach (var (key, bytes) in storages)
                Add(zip, "archive/data/" + key, bytes);
            Add(zip, "archive/version", "3\n"u8.ToArray());
        }
        return stream.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(bytes);
    }
}

using System.Text.Json.Nodes;
using HourglassSimd.Quantization;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Quantization;

/// <summary>
/// A quantized <c>.hgw</c> whose quantization metadata or int8 tensors are wrong (resealed, so the checksum passes) is a
/// <see cref="ModelFileException"/> that names the problem, never a network that runs on garbage.
/// </summary>
public sealed class QuantizedModelFileHostileInputTests
{
    private static readonly HourglassArchitecture Small = new(stacks: 1, features: 32, joints: 16, inputHeight: 64, inputWidth: 64);

    /// <summary>A quantized file with its stem kept in float.</summary>
    private static readonly Lazy<byte[]> Saved = new(() => Save(["pre.0"]));

    /// <summary>The same, every convolution int8: removing the quantization object leaves the data length right.</summary>
    private static readonly Lazy<byte[]> SavedAllInt8 = new(() => Save([]));

    private static byte[] Save(string[] keepFloat)
    {
        var model = new HourglassModelFile(Small, HourglassWeights.CreateRandom(Small, 3));
        var quantized = HourglassQuantizer.Quantize(model, QuantizedNetworkTests.Images(Small, 1, 3), new QuantizationOptions { KeepFloat = keepFloat }).Model;
        using var stream = new MemoryStream();
        quantized.Save(stream);
        return stream.ToArray();
    }

    private static JsonObject Quantization(JsonObject header) => header["quantization"]!.AsObject();

    public static TheoryData<string, string> Edits() => new()
    {
        { "precision int32", "precision 'int32'" },
        { "precision int16", "'dataLength'" }, // its int8 weights do not add up to an int16 model's bytes
        { "no quantization object", "lacks its 'quantization' object" },
        { "maxWeight 300", "'maxWeight'" },
        { "scale NaN as a string", "is not {\"scale\"" },
        { "zero point 256", "zero point 256" },
        { "negative scale", "scale -1" },
        { "missing activation", "no entry for activation 'pre.1.bn1'" },
        { "keepFloat not a list", "'keepFloat' is not a list" },
        { "keepFloat dropped", "'dataLength'" },
        { "precision removed", "'dataLength'" }, // read as float32, its int8 tensors do not add up to a float model's bytes
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void A_wrong_quantization_is_a_model_file_exception_that_names_it(string edit, string message)
    {
        var original = edit is "no quantization object" or "precision removed" ? SavedAllInt8.Value : Saved.Value;
        byte[] edited = ModelFileBytes.Rewrite(original, header =>
        {
            switch (edit)
            {
                case "precision int32": header["precision"] = "int32"; break;
                case "precision int16": header["precision"] = "int16"; break;
                case "no quantization object": header.Remove("quantization"); break;
                case "maxWeight 300": Quantization(header)["maxWeight"] = 300; break;
                case "scale NaN as a string": Quantization(header)["activationQuantization"]!["pre.1.bn1"]!["scale"] = "NaN"; break;
                case "zero point 256": Quantization(header)["activationQuantization"]!["pre.1.bn1"]!["zeroPoint"] = 256; break;
                case "negative scale": Quantization(header)["activationQuantization"]!["pre.1.bn1"]!["scale"] = -1; break;
                case "missing activation": Quantization(header)["activationQuantization"]!.AsObject().Remove("pre.1.bn1"); break;
                case "keepFloat not a list": Quantization(header)["keepFloat"] = 5; break;
                case "keepFloat dropped": Quantization(header)["keepFloat"] = new JsonArray(); break; // the float stem's bytes no longer add up
                case "precision removed": header.Remove("precision"); break;
            }
        });
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_beyond_the_stated_range_is_refused()
    {
        // Set the first byte of an int8 tensor to −128, outside ±maxWeight (63); reseal.
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(SetFirstWeight(Saved.Value, "int8", [0x80]))));
        Assert.Contains("exceed the stated largest magnitude 63", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An int16 file, every convolution quantized.</summary>
    private static readonly Lazy<byte[]> SavedInt16 = new(() =>
    {
        var model = new HourglassModelFile(Small, HourglassWeights.CreateRandom(Small, 4));
        var quantized = HourglassQuantizer.Quantize(model, QuantizedNetworkTests.Images(Small, 1, 4), new QuantizationOptions { Precision = ModelPrecision.Int16 }).Model;
        using var stream = new MemoryStream();
        quantized.Save(stream);
        return stream.ToArray();
    });

    [Fact]
    public void An_int16_weight_beyond_its_convolutions_overflow_bound_is_refused()
    {
        // The stem (7 x 7 x 3 = 147 products) takes weights up to ±3,568; 20,000 could overflow its int32 sums.
        Assert.Equal(3568, HourglassSimd.Kernels.Int16.Int16DirectConv.MaxWeightFor(147));
        byte[] edited = SetFirstWeight(SavedInt16.Value, "int16", [0x20, 0x4E]); // 20,000 little-endian
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.Contains("the int16 weights of 'pre.0.conv' exceed ±3568, the bound that keeps its int32 sums exact", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zero point 3", "a zero point of 0")]
    [InlineData("dtype int8", "has dtype 'int8' in an int16 model")]
    public void A_wrong_int16_quantization_is_a_model_file_exception_that_names_it(string edit, string message)
    {
        byte[] edited = ModelFileBytes.Rewrite(SavedInt16.Value, header =>
        {
            if (edit == "zero point 3")
                Quantization(header)["activationQuantization"]!["pre.1.bn1"]!["zeroPoint"] = 3;
            else
                header["tensors"]!.AsArray().First(t => (string?)t!["dtype"] == "int16")!["dtype"] = "int8";
        });
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(edited)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>The file with the first bytes of its first tensor of <paramref name="dtype"/> replaced, resealed.</summary>
    private static byte[] SetFirstWeight(byte[] file, string dtype, byte[] bytes)
    {
        var header = ModelFileBytes.Header(file);
        var entry = header["tensors"]!.AsArray().First(t => (string?)t!["dtype"] == dtype)!;
        byte[] edited = ModelFileBytes.Rewrite(file, _ => { }); // the header as the helper writes it, so its length is known
        int headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(edited.AsSpan(12));
        long dataStart = (16 + headerLength + 63) / 64 * 64;
        bytes.CopyTo(edited.AsSpan((int)(dataStart + entry["offset"]!.GetValue<long>())));
        var content = edited.AsSpan(0, edited.Length - 32).ToArray();
        return [.. content, .. System.Security.Cryptography.SHA256.HashData(content)];
    }
}

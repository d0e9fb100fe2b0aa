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
        { "precision int16", "precision 'int16'" },
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
        // Find an int8 tensor and set its first byte to −128, outside ±maxWeight (63); reseal.
        byte[] file = Saved.Value;
        var header = ModelFileBytes.Header(file);
        var entry = header["tensors"]!.AsArray().First(t => (string?)t!["dtype"] == "int8")!;
        byte[] edited = ModelFileBytes.Rewrite(file, _ => { }); // the header as the helper writes it, so its length is known
        int headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(edited.AsSpan(12));
        long dataStart = (16 + headerLength + 63) / 64 * 64;
        edited[dataStart + entry["offset"]!.GetValue<long>()] = 0x80;
        var content = edited.AsSpan(0, edited.Length - 32).ToArray();
        byte[] resealed = [.. content, .. System.Security.Cryptography.SHA256.HashData(content)];
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(resealed)));
        Assert.Contains("exceed the stated largest magnitude 63", e.Message, StringComparison.Ordinal);
    }
}

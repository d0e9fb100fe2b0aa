using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>The <c>.hgw</c> model file: round trip, and every kind of damage gives a <see cref="ModelFileException"/> that names it.</summary>
public sealed class ModelFileTests
{
    private static readonly HourglassArchitecture Arch = new(2, 8, 5, 64, 128);

    private static byte[] SavedModel(InputNormalization? normalization = null)
    {
        var model = new HourglassModelFile(Arch, HourglassWeights.CreateRandom(Arch, 4), normalization, source: "unit test");
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Save_then_load_gives_the_same_network_and_metadata()
    {
        byte[] bytes = SavedModel(InputNormalization.MeanSubtracted);
        var loaded = HourglassModelFile.Load(new MemoryStream(bytes));
        Assert.Equal(Arch, loaded.Architecture);
        Assert.Equal(InputNormalization.MeanSubtracted, loaded.Normalization);
        Assert.Equal("unit test", loaded.Source);
        Assert.True(loaded.Weights.IsFolded);

        float[] input = TestArrays.Uniform(new Random(3), Arch.InputSizePerImage, 0, 1);
        using var original = HourglassNetwork.CreateRandom(Arch, 4);
        using var fromFile = HourglassNetwork.Load(new MemoryStream(bytes));
        // Float32 stored bit for bit: identical outputs.
        Assert.Equal(original.Run(input), fromFile.Run(input));
    }

    [Fact]
    public void Saving_is_deterministic()
    {
        Assert.Equal(SavedModel(), SavedModel());
    }

    [Fact]
    public void Not_a_model_file()
    {
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream("PK\x03\x04 not a model"u8.ToArray())));
        Assert.Contains("not an HourglassSimd model file", e.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Truncated_file(int keep)
    {
        byte[] bytes = SavedModel();
        int length = keep == 5000 ? bytes.Length - 1 : keep;
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(bytes[..length])));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_flipped_bit_in_the_weights_is_detected()
    {
        byte[] bytes = SavedModel();
        bytes[bytes.Length / 2] ^= 0x10;
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(bytes)));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void Unknown_version_is_named()
    {
        byte[] bytes = SavedModel();
        bytes[8] = 7;
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(bytes)));
        Assert.Contains("format version 7 is not supported", e.Message);
    }

    [Fact]
    public void Metadata_with_a_value_of_the_wrong_type_is_reported_as_corrupt()
    {
        byte[] bytes = SavedModel();
        int headerLength = BitConverter.ToInt32(bytes, 12);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 16, headerLength);
        // Same length, so every offset stays valid: a shape dimension becomes a string.
        string target = "\"shape\": [\n        64,";
        int at = header.IndexOf(target, StringComparison.Ordinal);
        Assert.True(at > 0);
        string broken = header[..at] + "\"shape\": [\n        \"\"," + header[(at + target.Length)..];
        Assert.NotEqual(header, broken);
        Assert.Equal(header.Length, broken.Length);
        System.Text.Encoding.UTF8.GetBytes(broken).CopyTo(bytes, 16);
        // Re-seal the checksum so that only the type error remains.
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(new MemoryStream(bytes)));
        Assert.Contains("wrong type", e.Message);
    }

    [Fact]
    public void Loading_by_path_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hgw-test-{Guid.NewGuid():N}.hgw");
        File.WriteAllBytes(path, SavedModel()[..50]);
        try
        {
            var e = Assert.Throws<ModelFileException>(() => HourglassNetwork.Load(path));
            Assert.StartsWith(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_normalization_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new InputNormalization([0, 0], [1, 1, 1]));
        Assert.Throws<ArgumentException>(() => new InputNormalization([0, 0, 0], [1, 0, 1]));
        Assert.Equal(-0.4404f, InputNormalization.MeanSubtracted.Apply(0, 0), 6);
        Assert.Equal(1f, InputNormalization.Default.Apply(2, 255));
    }

    /// <summary>A folder is not a model file: a ModelFileException naming it (it was an UnauthorizedAccessException).</summary>
    [Fact]
    public void A_folder_is_refused_as_a_model_file()
    {
        string folder = Directory.CreateTempSubdirectory("hourglass-folder-").FullName;
        try
        {
            var e = Assert.Throws<ModelFileException>(() => HourglassModelFile.Load(folder));
            Assert.Contains(folder, e.Message, StringComparison.Ordinal);
            Assert.Contains("a folder", e.Message, StringComparison.Ordinal);
            Assert.Throws<ModelFileException>(() => HourglassNetwork.Load(folder));
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}

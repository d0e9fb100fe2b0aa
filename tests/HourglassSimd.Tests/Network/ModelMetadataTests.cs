using System.Text.Json.Nodes;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.Network;

/// <summary>
/// The metadata a model carries (normalization, joint layout, whether the layout was assumed): round trip through the
/// v2 <c>.hgw</c> header, version-1 files, malformed layouts, and what a network built from a file exposes.
/// </summary>
public sealed class ModelMetadataTests
{
    private static readonly HourglassArchitecture Arch = new(1, 8, 5, 64, 64);

    private static readonly JointLayout Five = new(
        "five", ["nose", "left_hand", "right_hand", "left_foot", "right_foot"],
        flipPairs: [new(1, 2), new(3, 4)], skeleton: [new(0, 1), new(0, 2), new(1, 3), new(2, 4)]);

    private static byte[] Save(HourglassModelFile model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static byte[] SavedWithLayout(InputNormalization? normalization = null) =>
        Save(new HourglassModelFile(Arch, HourglassWeights.CreateRandom(Arch, 2), normalization, "metadata test", Five));

    private static HourglassModelFile Load(byte[] bytes) => HourglassModelFile.Load(new MemoryStream(bytes));

    private static void AssertSameLayout(JointLayout expected, JointLayout actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Names, actual.Names);
        Assert.Equal(expected.FlipPairs, actual.FlipPairs);
        Assert.Equal(expected.Skeleton, actual.Skeleton);
        Assert.Equal(expected.Sides, actual.Sides);
    }

    [Fact]
    public void A_stated_layout_round_trips_and_is_not_assumed()
    {
        var loaded = Load(SavedWithLayout(InputNormalization.MeanSubtracted));

        Assert.Equal(HourglassModelFile.FormatVersion, loaded.Version);
        AssertSameLayout(Five, loaded.JointLayout);
        Assert.False(loaded.JointLayoutAssumed);
        Assert.Equal(InputNormalization.MeanSubtracted, loaded.Normalization);
        Assert.Equal("metadata test", loaded.Source);
        Assert.Same(loaded.Metadata.JointLayout, loaded.JointLayout);
    }

    [Theory]
    [InlineData(16, "mpii16")]
    [InlineData(17, "coco17")]
    [InlineData(5, "custom5")]
    public void Without_a_layout_the_file_records_the_guess_as_assumed(int joints, string expectedName)
    {
        var arch = new HourglassArchitecture(1, 8, joints, 64, 64);
        byte[] bytes = Save(new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 1)));

        var stored = ModelFileBytes.Header(bytes)["jointLayout"]!.AsObject();
        Assert.True(stored["assumed"]!.GetValue<bool>());
        Assert.Equal(expectedName, stored["name"]!.GetValue<string>());
        Assert.Equal(joints, stored["joints"]!.AsArray().Count);

        var loaded = Load(bytes);
        Assert.True(loaded.JointLayoutAssumed);
        AssertSameLayout(JointLayout.ForJointCount(joints), loaded.JointLayout);
    }

    [Fact]
    public void A_version_1_file_loads_with_the_layout_assumed_from_the_joint_count()
    {
        var arch = new HourglassArchitecture(1, 8, 16, 64, 64);
        byte[] v2 = Save(new HourglassModelFile(arch, HourglassWeights.CreateRandom(arch, 3), InputNormalization.MeanSubtracted, "old", JointLayout.Mpii16));
        byte[] v1 = ModelFileBytes.AsVersion1(v2);
        Assert.False(ModelFileBytes.Header(v1).ContainsKey("jointLayout"));

        var loaded = Load(v1);
        Assert.Equal(1, loaded.Version);
        Assert.True(loaded.JointLayoutAssumed);
        AssertSameLayout(JointLayout.Mpii16, loaded.JointLayout);
        Assert.Equal(InputNormalization.MeanSubtracted, loaded.Normalization);
        Assert.Equal("old", loaded.Source);

        using var network = HourglassNetwork.Load(new MemoryStream(v1));
        Assert.True(network.Metadata.JointLayoutAssumed);
        Assert.Equal(InputNormalization.MeanSubtracted, network.Normalization);

        // Saving it again writes version 2, still marked assumed.
        byte[] resaved = Save(loaded);
        Assert.Equal(2, BitConverter.ToInt32(resaved, 8));
        Assert.True(Load(resaved).JointLayoutAssumed);
    }

    [Theory]
    [InlineData("missing", "lacks 'jointLayout'")]
    [InlineData("not-an-object", "'jointLayout' must be a JSON object")]
    [InlineData("too-few-joints", "'jointLayout' names 4 joints but the model has 5")]
    [InlineData("too-many-joints", "'jointLayout' names 6 joints but the model has 5")]
    [InlineData("duplicate-name", "names 'nose' twice")]
    [InlineData("empty-name", "'jointLayout'.joints[2] must be a non-empty string")]
    [InlineData("joints-not-array", "'jointLayout'.joints must be a non-empty array")]
    [InlineData("name-a-number", "'jointLayout'.name must be a non-empty string, not the number 3")]
    [InlineData("flip-index-out-of-range", "'jointLayout'.flipPairs[0] names joint 9, outside 0..4")]
    [InlineData("skeleton-negative-index", "'jointLayout'.skeleton[1] names joint -1, outside 0..4")]
    [InlineData("pair-of-three", "'jointLayout'.skeleton[0] must be a pair of joint indices [a, b], not an array of 3")]
    [InlineData("index-a-string", "'jointLayout'.flipPairs[1] must hold integer joint indices, not the string \"2\"")]
    [InlineData("self-pair", "'jointLayout'.skeleton[0] joins joint 3 to itself")]
    [InlineData("joint-in-two-flip-pairs", "'jointLayout': flip pair (1, 3) reuses a joint")]
    [InlineData("assumed-a-string", "'jointLayout'.assumed must be true or false")]
    [InlineData("assumed-missing", "'jointLayout' lacks 'assumed'")]
    [InlineData("unknown-property", "unknown property 'flip_pairs'")]
    public void A_malformed_layout_is_a_ModelFileException_naming_the_problem(string damage, string expected)
    {
        byte[] bytes = ModelFileBytes.Rewrite(SavedWithLayout(), header =>
        {
            var layout = header["jointLayout"]!.AsObject();
            var joints = layout["joints"]!.AsArray();
            switch (damage)
            {
                case "missing": header.Remove("jointLayout"); break;
                case "not-an-object": header["jointLayout"] = "mpii16"; break;
                case "too-few-joints": joints.RemoveAt(4); break;
                case "too-many-joints": joints.Add("tail"); break;
                case "duplicate-name": joints[3] = "nose"; break;
                case "empty-name": joints[2] = ""; break;
                case "joints-not-array": layout["joints"] = "nose,left_hand"; break;
                case "name-a-number": layout["name"] = 3; break;
                case "flip-index-out-of-range": layout["flipPairs"]![0] = new JsonArray(1, 9); break;
                case "skeleton-negative-index": layout["skeleton"]![1] = new JsonArray(-1, 2); break;
                case "pair-of-three": layout["skeleton"]![0] = new JsonArray(0, 1, 2); break;
                case "index-a-string": layout["flipPairs"]![1] = new JsonArray(1, "2"); break;
                case "self-pair": layout["skeleton"]![0] = new JsonArray(3, 3); break;
                case "joint-in-two-flip-pairs": layout["flipPairs"]![1] = new JsonArray(1, 3); break;
                case "assumed-a-string": layout["assumed"] = "no"; break;
                case "assumed-missing": layout.Remove("assumed"); break;
                case "unknown-property": layout["flip_pairs"] = new JsonArray(); break;
                default: throw new ArgumentOutOfRangeException(nameof(damage));
            }
        });

        var e = Assert.Throws<ModelFileException>(() => Load(bytes));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("corrupt: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unedited_rewrite_still_loads()
    {
        // Guards the test helper: a rewrite without damage must not be what fails above.
        var loaded = Load(ModelFileBytes.Rewrite(SavedWithLayout(), _ => { }));
        AssertSameLayout(Five, loaded.JointLayout);
    }

    [Fact]
    public void A_layout_with_another_joint_count_is_rejected_when_the_model_is_created()
    {
        var weights = HourglassWeights.CreateRandom(Arch, 1);
        var e = Assert.Throws<ArgumentException>(() => new HourglassModelFile(Arch, weights, jointLayout: JointLayout.Mpii16));
        Assert.Contains("mpii16 has 16 joints but the architecture has 5", e.Message, StringComparison.Ordinal);
        var metadata = new ModelMetadata(InputNormalization.Default, JointLayout.Coco17);
        Assert.Throws<ArgumentException>(() => HourglassNetwork.Create(Arch, weights, metadata: metadata));
    }

    [Fact]
    public void A_network_created_without_metadata_has_the_assumed_defaults()
    {
        using var network = HourglassNetwork.CreateRandom(new HourglassArchitecture(1, 8, 16, 64, 64), seed: 1);
        Assert.Equal(InputNormalization.Default, network.Normalization);
        Assert.Same(JointLayout.Mpii16, network.JointLayout);
        Assert.True(network.Metadata.JointLayoutAssumed);
        Assert.Null(network.Metadata.Source);
    }

    [Fact]
    public void A_network_carries_the_metadata_it_was_created_or_loaded_with()
    {
        var metadata = new ModelMetadata(InputNormalization.MeanSubtracted, Five, jointLayoutAssumed: false, "given");
        using (var created = HourglassNetwork.Create(Arch, HourglassWeights.CreateRandom(Arch, 1), metadata: metadata))
            Assert.Same(metadata, created.Metadata);

        using var loaded = HourglassNetwork.Load(new MemoryStream(SavedWithLayout(InputNormalization.MeanSubtracted)));
        Assert.Equal(InputNormalization.MeanSubtracted, loaded.Normalization);
        AssertSameLayout(Five, loaded.JointLayout);
        Assert.False(loaded.Metadata.JointLayoutAssumed);
        Assert.Equal("metadata test", loaded.Metadata.Source);
    }

    [Fact]
    public void Metadata_rejects_null_parts()
    {
        Assert.Throws<ArgumentNullException>(() => new ModelMetadata(null!, Five));
        Assert.Throws<ArgumentNullException>(() => new ModelMetadata(InputNormalization.Default, null!));
        var metadata = ModelMetadata.ForJointCount(5);
        Assert.Throws<ArgumentNullException>(() => metadata with { JointLayout = null! });
    }
}

using HourglassSimd.Pose;

namespace HourglassSimd.Datasets.Tests;

public sealed class MpiiAnnotationReaderTests
{
    private const string Sample = """
        [
          {
            "dataset": "MPI", "img_paths": "015601864.jpg", "img_width": 1280, "img_height": 720,
            "objpos": [594.0, 257.0], "scale_provided": 3.021, "isValidation": 1.0,
            "joint_self": [[620, 394, 1], [616, 269, 1], [573, 185, 1], [647, 188, 0], [661, 221, 1], [656, 231, 1],
                           [610, 187, 0], [647, 176, 1], [637.02, 189.818, 1], [695.98, 108.182, 1], [606, 217, 1],
                           [553, 161, 1], [601, 167, 1], [692, 185, 1], [693, 240, 1], [688, 313, 1]],
            "head_rect": [600, 100, 630, 140]
          },
          {
            "img_paths": "b.jpg", "objpos": [100, 200], "scale_provided": 1.0, "isValidation": false, "normalize": 25.5,
            "head_rect": [0, 0, 100, 100],
            "joint_self": [[10, 20], [0, 0], [-1, -1]]
          },
          { "img_paths": "c.jpg", "objpos": [1, 2], "scale_provided": 0.5, "joint_self": [[5, 6, 0]] }
        ]
        """;

    [Fact]
    public void Reads_the_documented_fields()
    {
        var records = MpiiAnnotationReader.Parse(Sample, "sample.json");
        Assert.Equal(3, records.Count);

        var a = records[0];
        Assert.Equal("015601864.jpg", a.ImagePath);
        Assert.True(a.IsValidation);
        Assert.Equal(16, a.Joints.Count);
        Assert.Equal(new AnnotatedJoint(647, 188, IsVisible: false), a.Joints[3]);
        Assert.Equal(695.98f, a.Joints[9].X);
        Assert.Equal(3.021f, a.ScaleProvided);
        // Raw MPII centre and scale get the reference adjustment: cy + 15·s, s × 1.25.
        Assert.Equal(594f, a.Box.CenterX);
        Assert.Equal(257f + 15 * 3.021f, a.Box.CenterY, 4);
        Assert.Equal(3.021f * 1.25f, a.Box.Scale, 5);
        Assert.Equal(0.6f * 50, a.HeadSize!.Value, 4);  // head box 30 × 40 → diagonal 50

        var b = records[1];
        Assert.False(b.IsValidation);
        Assert.Equal(25.5f, b.HeadSize);  // normalize wins over head_rect
        Assert.Equal(new AnnotatedJoint(10, 20, IsVisible: true, IsAnnotated: true), b.Joints[0]);
        Assert.False(b.Joints[1].IsAnnotated);  // (0, 0) = missing
        Assert.False(b.Joints[2].IsAnnotated);  // (−1, −1) = missing

        var c = records[2];
        Assert.Null(c.HeadSize);
        Assert.False(c.IsValidation);
        Assert.Equal(2, c.Index);
    }

    [Fact]
    public void Already_adjusted_centres_are_used_as_they_are()
    {
        var records = MpiiAnnotationReader.Parse(Sample, centersAreAdjusted: true);
        Assert.Equal(new PersonBox(594, 257, 3.021f), records[0].Box);
    }

    [Theory]
    [InlineData("""[{"img_paths": "a", "scale_provided": 1, "joint_self": [[1, 2]]}]""", "record 0, field 'objpos': missing")]
    [InlineData("""[{"img_paths": "a", "objpos": [1, 2], "scale_provided": 0, "joint_self": [[1, 2]]}]""", "field 'scale_provided'")]
    [InlineData("""[{"img_paths": "a", "objpos": [1, 2], "scale_provided": 1, "joint_self": [[1, 2, 3, 4]]}]""", "field 'joint_self[0]': expected 2 to 3 numbers, found 4")]
    [InlineData("""[{"img_paths": "a", "objpos": [1, "x"], "scale_provided": 1, "joint_self": [[1, 2]]}]""", "field 'objpos[1]'")]
    [InlineData("""{"img_paths": "a"}""", "top-level array")]
    [InlineData("""[{"img_paths": "a",""", "not valid JSON")]
    public void Malformed_files_name_the_record_and_field(string json, string expected)
    {
        var e = Assert.Throws<AnnotationFormatException>(() => MpiiAnnotationReader.Parse(json, "bad.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("bad.json", e.Message);
    }
}

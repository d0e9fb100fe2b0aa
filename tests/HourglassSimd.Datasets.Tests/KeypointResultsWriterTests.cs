using System.Text.Json;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Datasets.Tests;

/// <summary>The results file for any finite values, written whole or not at all.</summary>
public sealed class KeypointResultsWriterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PersonPose Person(float coordinate, float boxSide)
    {
        var box = PersonBox.FromRectangle(0, 0, boxSide, boxSide);
        var keypoints = JointLayout.Mpii16.Names.Select(n => new Keypoint(coordinate, coordinate, 0.5f, n)).ToList();
        return new PersonPose("a.png", new BoxRectangle(0, 0, boxSide, boxSide), new PoseResult(keypoints, box, JointLayout.Mpii16));
    }

    /// <summary>Values past decimal's range (7.9e28) once threw OverflowException mid-file and left "[" behind.</summary>
    [Theory]
    [InlineData(12.345f, 100f)]
    [InlineData(1e30f, 1e30f)]
    [InlineData(-3.4e38f, 3.4e38f)]
    [InlineData(7.9e28f, 8e28f)]
    public void Any_finite_value_is_written_as_valid_json(float coordinate, float boxSide)
    {
        string path = _temp.File("results.json");
        KeypointResultsWriter.Write(path, [Person(coordinate, boxSide)]);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var record = Assert.Single(document.RootElement.EnumerateArray());
        double x = record.GetProperty("keypoints")[0].GetDouble();
        Assert.Equal(coordinate, x, Math.Abs(coordinate) * 1e-6 + 0.006);
        Assert.Equal(boxSide, record.GetProperty("bbox")[2].GetDouble(), Math.Abs(boxSide) * 1e-6 + 0.006);
    }

    [Fact]
    public void A_failure_while_writing_leaves_no_file_and_keeps_the_old_one()
    {
        string path = _temp.File("results.json");
        File.WriteAllText(path, "previous");
        IEnumerable<PersonPose> Failing()
        {
            yield return Person(1, 10);
            throw new InvalidOperationException("interrupted");
        }
        Assert.Throws<InvalidOperationException>(() => KeypointResultsWriter.Write(path, Failing()));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }
}

using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Datasets.Tests;

/// <summary><see cref="PckhValidation"/>: the loop that scores an estimator on annotated people in real image files.</summary>
public sealed class PckhValidationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_image_is_read_once_with_all_its_people_and_every_person_is_scored()
    {
        // Three people over two images; the first image's two records are not adjacent in the list.
        MpiiAnnotation[] people = [Person(0, "a.png", 20), Person(1, "b.png", 30), Person(2, "a.png", 40)];
        WriteImages("a.png", "b.png");
        var calls = new List<(int Width, string[] Paths)>();

        // Each person's joints predicted on the truth, except the second image's, moved by 100 px (outside any head size).
        var result = PckhValidation.Evaluate(new PckhEvaluator(), people, _temp.Path, (image, group) =>
        {
            calls.Add((image.Width, [.. group.Select(g => g.ImagePath)]));
            return [.. group.Select(g => Predict(g, g.ImagePath == "b.png" ? 100 : 0))];
        });

        Assert.Equal(2, calls.Count);
        Assert.Equal(["a.png", "a.png"], calls[0].Paths);
        Assert.Equal(["b.png"], calls[1].Paths);
        Assert.All(calls, c => Assert.Equal(48, c.Width));
        Assert.Equal(100.0 * 2 / 3, result.Mean, 10);
        Assert.All(result.Counts, n => Assert.Equal(3, n));
    }

    [Fact]
    public void The_evaluator_given_counts_the_people_it_scored()
    {
        WriteImages("a.png");
        var evaluator = new PckhEvaluator();
        var withoutHead = Person(1, "a.png", 30) with { HeadSize = null };
        var result = PckhValidation.Evaluate(evaluator, [Person(0, "a.png", 20), withoutHead], _temp.Path,
            (image, group) => [.. group.Select(g => Predict(g, 0))]);
        Assert.Equal(1, evaluator.PeopleEvaluated);
        Assert.Equal(100, result.Mean);
    }

    [Fact]
    public void A_missing_image_or_a_wrong_number_of_poses_is_a_clear_error()
    {
        WriteImages("a.png");
        var missing = Assert.Throws<ImageLoadException>(() => PckhValidation.Evaluate(new PckhEvaluator(), [Person(0, "gone.png", 20)], _temp.Path,
            (image, group) => [.. group.Select(g => Predict(g, 0))]));
        Assert.Contains("gone.png", missing.Message);

        var wrong = Assert.Throws<InvalidOperationException>(() => PckhValidation.Evaluate(new PckhEvaluator(), [Person(0, "a.png", 20), Person(1, "a.png", 30)], _temp.Path,
            (image, group) => [Predict(group[0], 0)]));
        Assert.Equal("a.png: the estimator returned 1 poses for 2 people.", wrong.Message);
    }

    private void WriteImages(params string[] names)
    {
        foreach (string name in names)
            ImageSaver.Save(new RgbImage(48, 32), _temp.File(name));
    }

    /// <summary>A person whose joint j sits at (x0 + j, 10 + j), head size 10.</summary>
    private static MpiiAnnotation Person(int index, string image, float x0) => new()
    {
        Index = index, ImagePath = image, ObjectPositionX = x0, ObjectPositionY = 10, ScaleProvided = 0.1f,
        Box = new PersonBox(x0, 10, 0.1f), HeadSize = 10, IsValidation = true,
        Joints = [.. Enumerable.Range(0, 16).Select(j => new AnnotatedJoint(x0 + j, 10 + j, IsVisible: true))],
    };

    private static PoseResult Predict(MpiiAnnotation truth, float shift) => new(
        [.. truth.Joints.Select((t, j) => new Keypoint(t.X + shift, t.Y, 1, JointLayout.Mpii16.Names[j]))], truth.Box, JointLayout.Mpii16);

}

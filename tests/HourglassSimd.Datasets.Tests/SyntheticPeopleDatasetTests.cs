using System.Numerics;
using HourglassSimd.Datasets.Synthetic;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Datasets.Tests;

public sealed class SyntheticPeopleDatasetTests
{
    private static readonly SyntheticPeopleOptions Small = new() { TrainPeople = 24, ValidationPeople = 7, ImageSize = 128, Seed = 5 };

    [Fact]
    public void The_same_seed_gives_the_same_files_whatever_the_thread_count()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();
        SyntheticPeopleDataset.Write(one.Path, Small with { Threads = 1 });
        SyntheticPeopleDataset.Write(two.Path, Small with { Threads = 2 });

        Assert.Equal(File.ReadAllText(one.File("annotations.json")), File.ReadAllText(two.File("annotations.json")));
        var names = Directory.GetFiles(one.Combine("images")).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(names, Directory.GetFiles(two.Combine("images")).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(one.Combine("images", name!)), File.ReadAllBytes(two.Combine("images", name!)));
    }

    [Fact]
    public void Another_seed_gives_other_images()
    {
        var (a, _) = SyntheticPeopleDataset.Render(Small, validation: false, 0);
        var (b, _) = SyntheticPeopleDataset.Render(Small with { Seed = 6 }, validation: false, 0);
        Assert.NotEqual(a.Pixels, b.Pixels);
    }

    [Fact]
    public void Annotations_hold_every_person_inside_the_image_and_inside_its_crop_box()
    {
        using var folder = new TempFolder();
        var summary = SyntheticPeopleDataset.Write(folder.Path, Small);
        var records = MpiiAnnotationReader.ReadFile(summary.AnnotationsPath);

        Assert.Equal(Small.TrainPeople, records.Count(r => !r.IsValidation));
        Assert.Equal(Small.ValidationPeople, records.Count(r => r.IsValidation));
        Assert.Equal(summary.TrainImages + summary.ValidationImages, records.Select(r => r.ImagePath).Distinct().Count());
        Assert.True(records.GroupBy(r => r.ImagePath).All(g => g.Count() <= Small.MaxPeoplePerImage));
        foreach (var record in records)
        {
            var image = new ImageLoader().Load(folder.Combine("images", record.ImagePath));
            Assert.Equal((Small.ImageSize, Small.ImageSize), (image.Width, image.Height));
            Assert.Equal(16, record.Joints.Count);
            Assert.True(record.HeadSize > 1, $"record {record.Index}: head size {record.HeadSize}");
            var box = record.Box;
            foreach (var joint in record.Joints)
            {
                Assert.True(joint.IsAnnotated);
                Assert.InRange(joint.X, 0, Small.ImageSize);
                Assert.InRange(joint.Y, 0, Small.ImageSize);
                Assert.InRange(joint.X, box.Left, box.Left + box.Size);
                Assert.InRange(joint.Y, box.CenterY - box.Size / 2, box.CenterY + box.Size / 2);
            }
        }
        // boxes.json: each image's people as squares that give the annotation's crop box.
        var boxes = BoxesFile.Read(folder.File("boxes.json"));
        Assert.Equal(records.Select(r => r.ImagePath).Distinct().Order(), boxes.Keys.Order());
        foreach (var image in records.GroupBy(r => r.ImagePath))
        {
            var squares = boxes[image.Key];
            Assert.Equal(image.Count(), squares.Count);
            foreach (var (record, square) in image.Zip(squares))
            {
                var box = PersonBox.FromRectangle(square.X, square.Y, square.Width, square.Height);
                Assert.Equal(record.Box.CenterX, box.CenterX, 0.02f);
                Assert.Equal(record.Box.CenterY, box.CenterY, 0.02f);
                Assert.Equal(record.Box.Size, box.Size, 0.02f);
            }
        }

        // Self-occlusion, other people and objects hide some joints, but most are visible.
        double visible = records.SelectMany(r => r.Joints).Average(j => j.IsVisible ? 1.0 : 0.0);
        Assert.InRange(visible, 0.6, 0.99);
    }

    [Theory]
    [InlineData(0f, true)]       // facing the camera: the person's left is on the image's right
    [InlineData(MathF.PI, false)] // back view: the person's left is on the image's left
    public void Left_and_right_come_from_the_view(float yaw, bool leftOnImageRight)
    {
        var random = new Random(3);
        var shape = BodyShape.Sample(random);
        var body = BodyPoseSampler.Sample(shape, PoseKind.Standing, random);
        var view = new PersonView(yaw, 0, 0, 100, 1, new Vector2(64, 64));
        foreach (var (left, right) in new[] { (BodySkeleton.LeftShoulder, BodySkeleton.RightShoulder), (BodySkeleton.LeftHip, BodySkeleton.RightHip) })
            Assert.Equal(leftOnImageRight, view.Project(body.Joints[left]).X > view.Project(body.Joints[right]).X);
    }

    [Fact]
    public void A_joint_under_an_object_is_not_visible()
    {
        var random = new Random(11);
        var shape = BodyShape.Sample(random);
        var body = BodyPoseSampler.Sample(shape, PoseKind.Standing, random);
        var canvas = new SceneCanvas(128, 128);
        canvas.ClearOwners();
        var person = PersonPainter.Paint(canvas, body, shape, PersonLook.Sample(random), new PersonView(0, 0, 0, 90, 1, new Vector2(64, 70)), 0);
        var wrist = person.Joints[BodySkeleton.LeftWrist];
        var parts = PersonParts.AtJoint[BodySkeleton.LeftWrist];
        Assert.True(SceneRenderer.IsVisible(canvas, wrist, 0, parts));
        Assert.False(SceneRenderer.IsVisible(canvas, wrist, 1, parts)); // not another person's joint

        canvas.FillRectangle(wrist, Vector2.UnitX, 6, 6, SurfacePaint.Flat(new RgbColor(0, 0, 0)), SceneCanvas.NoOwner);
        Assert.False(SceneRenderer.IsVisible(canvas, wrist, 0, parts));
    }

    [Fact]
    public void Quantizing_the_canvas_clamps_and_rounds_every_value()
    {
        var canvas = new SceneCanvas(37, 5); // 555 values: the vector loop and its scalar tail
        var random = new Random(2);
        var pixels = canvas.Pixels;
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = random.NextSingle() * 400 - 70;
        var bytes = canvas.ToImage().Pixels;
        for (int i = 0; i < pixels.Length; i++)
            Assert.Equal((byte)MathF.Floor(Math.Clamp(pixels[i], 0, 255) + 0.5f), bytes[i]);
    }

    [Theory]
    [InlineData(-1, 10, 256, 3, "png")]
    [InlineData(0, 0, 256, 3, "png")]
    [InlineData(10, 10, 32, 3, "png")]
    [InlineData(10, 10, 4096, 3, "png")]
    [InlineData(10, 10, 256, 0, "png")]
    [InlineData(10, 10, 256, 9, "png")]
    [InlineData(10, 10, 256, 3, "gif")]
    public void Options_out_of_range_are_refused(int train, int validation, int size, int maxPeople, string format)
    {
        var options = new SyntheticPeopleOptions { TrainPeople = train, ValidationPeople = validation, ImageSize = size, MaxPeoplePerImage = maxPeople, Format = format };
        Assert.Throws<ArgumentException>(options.Validate);
    }
}

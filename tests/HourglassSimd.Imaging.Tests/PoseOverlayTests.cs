using HourglassSimd.TestSupport;
using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Imaging.Tests;

public sealed class PoseOverlayTests
{
    private static readonly JointLayout Chain = new("chain", ["a", "b", "c"], skeleton: [new(0, 1), new(1, 2)]);

    [Fact]
    public void Joint_dots_take_the_confidence_colour_and_low_joints_are_skipped()
    {
        var image = new RgbImage(100, 100);
        var pose = Pose(Chain, (20.5f, 20.5f, 0.9f), (60.5f, 20.5f, 0.5f), (60.5f, 80.5f, 0.05f));
        var options = new OverlayOptions { ConfidenceThreshold = 0.1f, LineWidth = 3, JointRadius = 4, AntiAliasing = false };
        PoseOverlay.Draw(image, pose, options);

        Assert.Equal(ToTuple(PoseOverlay.ConfidenceColor(0.9f, 0.1f)), image.GetPixel(20, 20));
        Assert.Equal(ToTuple(PoseOverlay.ConfidenceColor(0.5f, 0.1f)), image.GetPixel(60, 20));
        // Limb a–b is drawn in the centre colour (these joints have no side).
        Assert.Equal(ToTuple(options.CenterColor), image.GetPixel(40, 20));
        // Joint c is below the threshold: neither its dot nor the limb b–c is drawn.
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(60, 80));
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(60, 50));
        // Nothing outside the drawn shapes: only the a–b capsule and two dots are lit.
        for (int y = 0; y < 100; y++)
        {
            for (int x = 0; x < 100; x++)
            {
                bool lit = image.GetPixel(x, y) != ((byte)0, (byte)0, (byte)0);
                bool expected = Distance(x + 0.5, y + 0.5, 20.5, 20.5) <= 4 || Distance(x + 0.5, y + 0.5, 60.5, 20.5) <= 4
                    || (x + 0.5 >= 20.5 && x + 0.5 <= 60.5 && Math.Abs(y + 0.5 - 20.5) <= 1.5);
                Assert.True(lit == expected, $"pixel ({x}, {y}) lit = {lit}");
            }
        }
    }

    [Fact]
    public void Nothing_is_drawn_when_every_joint_is_below_the_threshold()
    {
        var image = new RgbImage(50, 50);
        PoseOverlay.Draw(image, Pose(Chain, (10, 10, 0.2f), (30, 10, 0.29f), (30, 30, 0.1f)), new OverlayOptions { ConfidenceThreshold = 0.3f });
        Assert.All(image.Pixels, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Anti_aliased_line_edges_are_blended()
    {
        var image = new RgbImage(100, 100);
        var line = new JointLayout("line", ["a", "b"], skeleton: [new(0, 1)]);
        var options = new OverlayOptions { LineWidth = 3, JointRadius = 2, CenterColor = new Rgb24(255, 255, 255) };
        PoseOverlay.Draw(image, Pose(line, (10, 50, 1), (90, 50, 1)), options);
        // Horizontal line at y = 50 with half-width 1.5: rows 49 and 50 (centres 0.5 away) are covered, rows 48 and 51
        // (centres 1.5 away, on the edge) half covered, rows 47 and 52 untouched.
        Assert.Equal(255, image.GetPixel(50, 49).R);
        Assert.Equal(255, image.GetPixel(50, 50).R);
        Assert.Equal(128, image.GetPixel(50, 48).R);
        Assert.Equal(128, image.GetPixel(50, 51).R);
        Assert.Equal(0, image.GetPixel(50, 47).R);
        Assert.Equal(0, image.GetPixel(50, 52).R);
    }

    [Fact]
    public void Mpii_limbs_are_coloured_by_side()
    {
        var image = new RgbImage(200, 200);
        var points = new (float, float, float)[16];
        for (int j = 0; j < 16; j++)
            points[j] = (100, 100, 0.05f);  // below the threshold unless set
        points[0] = (40, 180, 1);   // right ankle
        points[1] = (40, 120, 1);   // right knee
        points[5] = (160, 180, 1);  // left ankle
        points[4] = (160, 120, 1);  // left knee
        var options = new OverlayOptions { LineWidth = 4, JointRadius = 3 };
        PoseOverlay.Draw(image, Pose(JointLayout.Mpii16, points), options);
        Assert.Equal(ToTuple(options.RightColor), image.GetPixel(40, 150));
        Assert.Equal(ToTuple(options.LeftColor), image.GetPixel(160, 150));
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(100, 100));
    }

    [Fact]
    public void Boxes_are_drawn_on_request()
    {
        var image = new RgbImage(100, 100);
        var pose = new PoseResult([new Keypoint(50, 50, 0, "a")], new PersonBox(50, 50, 0.3f), JointLayout.Custom(1));
        PoseOverlay.Draw(image, pose, new OverlayOptions { DrawBoxes = true, LineWidth = 4, AntiAliasing = false });
        // Box side 60 centred at (50, 50): the left edge runs along x = 20.
        Assert.Equal(((byte)255, (byte)255, (byte)255), image.GetPixel(20, 50));
        Assert.Equal(((byte)255, (byte)255, (byte)255), image.GetPixel(50, 79));
        Assert.Equal(((byte)0, (byte)0, (byte)0), image.GetPixel(50, 50));
    }

    [Fact]
    public void Confidence_colour_runs_from_red_through_yellow_to_green()
    {
        Assert.Equal(new Rgb24(255, 0, 0), PoseOverlay.ConfidenceColor(0.2f, 0.2f));
        Assert.Equal(new Rgb24(255, 255, 0), PoseOverlay.ConfidenceColor(0.6f, 0.2f));
        Assert.Equal(new Rgb24(0, 255, 0), PoseOverlay.ConfidenceColor(1f, 0.2f));
        Assert.Equal(new Rgb24(0, 255, 0), PoseOverlay.ConfidenceColor(3f, 0.2f));
    }

    [Fact]
    public void Overlay_saves_by_extension()
    {
        using var folder = new TempFolder();
        var image = ImageLoaderTests.RandomImage(20, 20, seed: 8);
        PoseOverlay.Draw(image, Pose(Chain, (5, 5, 1), (15, 5, 1), (15, 15, 1)));
        ImageSaver.Save(image, folder.File("overlay.png"));
        Assert.Equal(image.Pixels, new ImageLoader().Load(folder.File("overlay.png")).Pixels);
        ImageSaver.Save(image, folder.File("overlay.jpg"));
        Assert.Equal(20, new ImageLoader().Load(folder.File("overlay.jpg")).Width);
        Assert.Throws<ArgumentException>(() => ImageSaver.Save(image, folder.File("overlay.bmp")));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageSaver.Save(image, folder.File("overlay.jpg"), jpegQuality: 0));
    }

    private static PoseResult Pose(JointLayout layout, params (float X, float Y, float C)[] points) =>
        new([.. points.Select((p, j) => new Keypoint(p.X, p.Y, p.C, layout.Names[j]))], new PersonBox(50, 50, 1), layout);

    private static (byte, byte, byte) ToTuple(Rgb24 color) => (color.R, color.G, color.B);

    private static double Distance(double x0, double y0, double x1, double y1) => Math.Sqrt((x0 - x1) * (x0 - x1) + (y0 - y1) * (y0 - y1));
}

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training.Tests;

public sealed class LossPlotTests
{
    private static readonly LossHistory Shipped = TrainingLogParser.ParseFile(TrainingLogs.Shipped);

    [Fact]
    public void ShippedLog_PngDecodesAtTheStatedSize_WithTheCurvesWhereTheLayoutPutsThem()
    {
        var plot = new LossPlot(Shipped);
        string path = TrainingLogs.Write("", "loss.png");
        plot.Save(path);
        using Image<Rgb24> image = Image.Load<Rgb24>(path);
        Assert.Equal((LossPlot.DefaultWidth, LossPlot.DefaultHeight), (image.Width, image.Height));

        // Block means: the thin line passes within a pixel of each point. Drawn alone, because in the later epochs the
        // epoch curves lie over it.
        LossRecord[] blocks = Shipped.OfKind(LossKind.Block).ToArray();
        var blocksOnly = new LossHistory();
        foreach (LossRecord r in blocks)
        {
            blocksOnly.Add(r);
        }

        var linePlot = new LossPlot(blocksOnly);
        string linePath = TrainingLogs.Write("", "blocks.png");
        linePlot.Save(linePath);
        using Image<Rgb24> lineImage = Image.Load<Rgb24>(linePath);
        int onLine = blocks.Count(r => Near(lineImage, linePlot.X(r.Position), linePlot.Y(r.Value), LossPlot.BlockColor, radius: 1, tolerance: 60));
        Assert.True(onLine >= 0.9 * blocks.Length, $"{onLine} of {blocks.Length} block means have the line colour next to them");

        // Epoch losses: the centre of each marker is exactly its colour.
        // A train marker is checked where the validation square of its epoch (10 px, drawn after it) leaves its centre free.
        var validationY = Shipped.OfKind(LossKind.Validation).ToDictionary(r => r.Epoch, r => plot.Y(r.Value));
        LossRecord[] uncovered = [.. Shipped.OfKind(LossKind.Train).Where(r => Math.Abs(plot.Y(r.Value) - validationY[r.Epoch]) > 8)];
        Assert.True(uncovered.Length >= 8, $"only {uncovered.Length} train markers are clear of the validation squares");
        foreach (LossRecord r in uncovered)
        {
            Assert.Equal(LossPlot.TrainColor, image[(int)plot.X(r.Position), (int)plot.Y(r.Value)]);
        }

        foreach (LossRecord r in Shipped.OfKind(LossKind.Validation))
        {
            Assert.Equal(LossPlot.ValidationColor, image[(int)MathF.Round(plot.X(r.Position)), (int)MathF.Round(plot.Y(r.Value))]);
        }

        // Far from every curve, inside the plot area, there is only background and grid.
        Assert.False(Near(image, plot.X(3.5), plot.Y(plot.MaxLoss) + 120, LossPlot.BlockColor, radius: 20, tolerance: 60));
    }

    [Fact]
    public void ShippedLog_Axes_CoverTheData_WithTickLabelsDrawn()
    {
        var plot = new LossPlot(Shipped);
        Assert.Equal([0, 2, 4, 6, 8, 10, 12, 14, 16], plot.EpochTicks);
        Assert.Equal([0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.02], plot.LossTicks);
        Assert.True(plot.MinLoss <= 0.002220 && plot.MaxLoss >= 0.026489, $"y axis {plot.MinLoss} .. {plot.MaxLoss}");
        Assert.Equal(["train, mean of 50 steps", "train, epoch mean", "validation"], plot.Legend);

        Image<Rgb24> image = ToImageSharp(plot);

        // Each label is drawn crisp in the text colour: exactly the glyphs' pixels, at the tick.
        foreach (double tick in plot.LossTicks)
        {
            string label = LossPlot.FormatLoss(tick);
            int width = PlotFont.Measure(label, LossPlot.TextScale);
            int top = (int)MathF.Round(plot.Y(tick)) - (PlotFont.CapHeight * LossPlot.TextScale / 2);
            Assert.Equal(GlyphPixels(label), CountColour(image, plot.PlotLeft - 10 - width, top, width, PlotFont.CellHeight * LossPlot.TextScale, LossPlot.TextColor));
        }

        foreach (int tick in plot.EpochTicks)
        {
            string label = tick.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int width = PlotFont.Measure(label, LossPlot.TextScale);
            int left = (int)MathF.Round(plot.X(tick)) - (width / 2);
            Assert.Equal(GlyphPixels(label), CountColour(image, left, plot.PlotBottom + 10, width, PlotFont.CellHeight * LossPlot.TextScale, LossPlot.TextColor));
        }

        // The title, the legend and the axis labels are text as well.
        Assert.True(CountColour(image, 0, 0, image.Width, plot.PlotTop, LossPlot.TextColor) > GlyphPixels("Training loss"));
    }

    [Fact]
    public void TicksAndRanges_HoldForNarrowAndWideHistories()
    {
        var single = new LossHistory();
        single.AddEpoch(5, 10, 0.0042, null);
        var narrow = new LossPlot(single);
        Assert.True(narrow.LossTicks.Count >= 2, string.Join(", ", narrow.LossTicks));
        Assert.Equal([4, 5], narrow.EpochTicks); // a resumed run's plot starts at its first epoch
        Assert.True(narrow.MinLoss < 0.0042 && narrow.MaxLoss > 0.0042);

        var wide = new LossHistory();
        for (int epoch = 1; epoch <= 60; epoch++)
        {
            wide.AddEpoch(epoch, 100, 10 * Math.Pow(0.8, epoch), 12 * Math.Pow(0.8, epoch));
        }

        var plot = new LossPlot(wide);
        Assert.True(plot.EpochTicks.Count <= 11, string.Join(", ", plot.EpochTicks));
        Assert.Equal(0, plot.EpochTicks[0]);
        Assert.Equal(60, plot.EpochTicks[^1]);
        Assert.All(plot.LossTicks, t => Assert.InRange(t, plot.MinLoss, plot.MaxLoss));
        Assert.Contains(1e-5, plot.LossTicks);
        Assert.Contains(10.0, plot.LossTicks);
        Assert.Equal(plot.Width, plot.Render().Width);
    }

    [Theory]
    [InlineData(0.002, "0.002")]
    [InlineData(0.01, "0.01")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(2e-5, "2e-5")]
    [InlineData(1e-12, "1e-12")]
    [InlineData(30.0, "30")]
    public void LossLabels(double value, string label) => Assert.Equal(label, LossPlot.FormatLoss(value));

    [Fact]
    public void Font_DrawsExactlyTheGlyphPixels_AndHasEveryCharacterOfTheLabels()
    {
        var canvas = new PlotCanvas(40, 20, LossPlot.Background);
        canvas.Text("0e", 1, 1, 1, LossPlot.TextColor);
        Assert.Equal(GlyphPixels("0e") / 4, CountColour(ToImageSharp(canvas), 0, 0, 40, 20, LossPlot.TextColor));

        Assert.Equal(PlotFont.Glyph('?').ToArray(), PlotFont.Glyph('\u00e9').ToArray());
        foreach (string text in new LossPlot(Shipped, "Training loss: train.log").Legend.Append("Training loss: train.log").Append("loss (log scale)").Append("epoch 0123456789.e-"))
        {
            Assert.All(text, c => Assert.True(PlotFont.Has(c), $"no glyph for '{c}' in '{text}'"));
        }
    }

    /// <summary>Pixels a text covers at <see cref="LossPlot.TextScale"/>.</summary>
    internal static int GlyphPixels(string text) =>
        text.Sum(c => PlotFont.Glyph(c).ToArray().Sum(row => System.Numerics.BitOperations.PopCount(row))) * LossPlot.TextScale * LossPlot.TextScale;

    private static Image<Rgb24> ToImageSharp(LossPlot plot) => ToImageSharp(plot.Render());

    private static Image<Rgb24> ToImageSharp(PlotCanvas canvas) => ToImageSharp(canvas.Image);

    internal static Image<Rgb24> ToImageSharp(HourglassSimd.Pose.RgbImage rgb) =>
        Image.LoadPixelData<Rgb24>(rgb.Pixels, rgb.Width, rgb.Height);

    internal static int CountColour(Image<Rgb24> image, int left, int top, int width, int height, Rgb24 colour)
    {
        int count = 0;
        for (int y = Math.Max(top, 0); y < Math.Min(top + height, image.Height); y++)
        {
            for (int x = Math.Max(left, 0); x < Math.Min(left + width, image.Width); x++)
            {
                count += image[x, y] == colour ? 1 : 0;
            }
        }

        return count;
    }

    private static bool Near(Image<Rgb24> image, float x, float y, Rgb24 colour, int radius, int tolerance)
    {
        for (int dy = -radius; dy <= radius; dy++)
        {
            for (int dx = -radius; dx <= radius; dx++)
            {
                int px = (int)x + dx, py = (int)y + dy;
                if (px < 0 || py < 0 || px >= image.Width || py >= image.Height)
                {
                    continue;
                }

                Rgb24 p = image[px, py];
                if (Math.Abs(p.R - colour.R) + Math.Abs(p.G - colour.G) + Math.Abs(p.B - colour.B) <= tolerance)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

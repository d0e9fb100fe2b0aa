using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training.Tests;

/// <summary><see cref="TradeOffPlot"/>: the model zoo's speed-accuracy chart.</summary>
public sealed class TradeOffPlotTests
{
    private static readonly TradeOffPoint[] Zoo =
    [
        new("hourglass-demo", 3.44, 81.06),
        new("hourglass-demo-int8", 2.9, 80.96, Quantized: true),
        new("pruned-25", 1.89, 58.64),
        new("depthwise", 2.48, 22.86),
    ];

    [Fact]
    public void Axes_start_at_zero_ms_and_cover_every_model_with_room_for_the_slowest_label()
    {
        var plot = new TradeOffPlot(Zoo);
        Assert.Equal(0, plot.MinMilliseconds);
        Assert.Equal(plot.MinMilliseconds, plot.XTicks[0]);
        Assert.Equal(plot.MaxMilliseconds, plot.XTicks[^1]);
        Assert.InRange(plot.XTicks.Count, 3, 9);
        Assert.True(plot.MinPckh <= 22.86 - 1 && plot.MaxPckh >= 81.06 + 1, $"y axis {plot.MinPckh} .. {plot.MaxPckh}");
        Assert.InRange(plot.YTicks.Count, 3, 7);
        // Ticks are evenly spaced at a round step.
        double step = plot.YTicks[1] - plot.YTicks[0];
        Assert.Contains(step, new[] { 5.0, 10.0, 20.0, 25.0 });
        Assert.All(plot.YTicks.Zip(plot.YTicks.Skip(1)), p => Assert.Equal(step, p.Second - p.First, 9));

        int labelWidth = PlotFont.Measure("hourglass-demo", LossPlot.TextScale);
        Assert.True(plot.X(3.44) + 10 + labelWidth <= plot.PlotRight, "the slowest model's label fits to its right");
    }

    [Fact]
    public void Each_model_is_drawn_where_the_layout_puts_it_float_as_a_disc_quantized_as_a_square_with_its_label()
    {
        var plot = new TradeOffPlot(Zoo);
        using Image<Rgb24> image = LossPlotTests.ToImageSharp(plot.Render());
        Assert.Equal((TradeOffPlot.DefaultWidth, TradeOffPlot.DefaultHeight), (image.Width, image.Height));
        foreach (TradeOffPoint p in Zoo)
        {
            int x = (int)MathF.Round(plot.X(p.Milliseconds)), y = (int)MathF.Round(plot.Y(p.Pckh));
            Rgb24 colour = p.Quantized ? TradeOffPlot.QuantizedColor : TradeOffPlot.FloatColor;
            Assert.Equal(colour, image[x, y]);
            // A square fills its corner region; a disc of radius 6 leaves the corner 5 px out diagonally empty.
            Assert.Equal(p.Quantized, image[x + 5, y + 5] == colour);
        }

        // Every label drawn crisp where the layout puts it, beside its point, and no two labels overlap (the float and
        // int8 demo models lie 0.1 points apart).
        for (int i = 0; i < Zoo.Length; i++)
        {
            var box = plot.LabelBoxes[i];
            Assert.Equal(LossPlotTests.GlyphPixels(Zoo[i].Label), LossPlotTests.CountColour(image, box.Left, box.Top, box.Width, box.Height, LossPlot.TextColor));
            Assert.InRange(box.Top + (box.Height / 2) - plot.Y(Zoo[i].Pckh), -60, 60);
            for (int j = 0; j < i; j++)
            {
                var other = plot.LabelBoxes[j];
                bool apart = box.Left >= other.Left + other.Width || other.Left >= box.Left + box.Width
                    || box.Top >= other.Top + other.Height || other.Top >= box.Top + box.Height;
                Assert.True(apart, $"the labels of {Zoo[i].Label} and {Zoo[j].Label} overlap");
            }
        }
    }

    [Fact]
    public void A_single_model_and_equal_accuracies_still_get_a_range()
    {
        var plot = new TradeOffPlot([new TradeOffPoint("only", 5, 50)]);
        Assert.True(plot.MinPckh < 50 && plot.MaxPckh > 50);
        Assert.True(plot.MaxMilliseconds > 5);
        var twins = new TradeOffPlot([new TradeOffPoint("a", 1, 100), new TradeOffPoint("b", 2, 100)]);
        Assert.True(twins.MaxPckh >= 100 && twins.MinPckh < 100 && twins.MaxPckh <= 105);
    }

    [Fact]
    public void No_models_or_a_time_or_accuracy_that_cannot_be_plotted_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TradeOffPlot([]));
        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => new TradeOffPlot([new TradeOffPoint("x", 0, 50)])).Message);
        Assert.Throws<ArgumentException>(() => new TradeOffPlot([new TradeOffPoint("x", double.NaN, 50)]));
        Assert.Throws<ArgumentException>(() => new TradeOffPlot([new TradeOffPoint("x", double.PositiveInfinity, 50)]));
        Assert.Throws<ArgumentException>(() => new TradeOffPlot([new TradeOffPoint("x", 1, double.NaN)]));
        Assert.Throws<ArgumentException>(() => new TradeOffPlot([new TradeOffPoint(null!, 1, 50)]));
    }
}

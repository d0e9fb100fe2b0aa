using System.Globalization;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training;

/// <summary>
/// The loss curve of a <see cref="LossHistory"/> as a chart: x is the epoch (fractional by step), y the loss on a log
/// scale. The block means (<see cref="LossKind.Block"/>) are a thin line; the per-epoch training losses are discs on a
/// line, the validation losses squares on a line. It has tick labels on both axes, a grid, a legend and a title.
/// </summary>
/// <remarks>
/// Drawn without a graphics package: lines through the imaging library's anti-aliasing <see cref="CoverageRasterizer"/>,
/// text in the built-in <see cref="PlotFont"/>. Losses that are 0 cannot be shown on a log scale and are left out.
/// The layout (axis ranges, ticks, pixel mapping) is computed in the constructor and exposed for tests.
/// </remarks>
public sealed class LossPlot
{
    public const int DefaultWidth = 960;
    public const int DefaultHeight = 540;

    public static readonly Rgb24 Background = new(255, 255, 255);
    public static readonly Rgb24 TextColor = new(34, 34, 34);
    public static readonly Rgb24 AxisColor = new(68, 68, 68);
    public static readonly Rgb24 GridColor = new(222, 222, 222);
    public static readonly Rgb24 MinorGridColor = new(242, 242, 242);
    public static readonly Rgb24 BlockColor = new(70, 130, 200);
    public static readonly Rgb24 TrainColor = new(230, 110, 20);
    public static readonly Rgb24 ValidationColor = new(30, 150, 60);

    /// <summary>Tick labels, legend and axis labels are drawn at this multiple of the font's pixels; the title at +1.</summary>
    public const int TextScale = 2;

    private const int LegendPadding = 10;
    private const int LegendRow = 24;
    private const int LegendSample = 36;
    private const float BlockLineWidth = 1.5f;
    private const float EpochLineWidth = 2.5f;
    private const float DiscRadius = 5f;
    private const int SquareSide = 10;

    private readonly LossHistory history;
    private readonly double logMin, logMax;
    private readonly List<string> legend;

    /// <summary>Lays out the chart of <paramref name="history"/> (at least one record) on a
    /// <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public LossPlot(LossHistory history, string title = "Training loss", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(title);
        if (history.Count == 0)
        {
            throw new ArgumentException("the history has no losses to plot", nameof(history));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(width, 320);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 200);
        this.history = history;
        Title = title;
        Width = width;
        Height = height;

        int unit = PlotFont.Advance * TextScale;
        PlotLeft = 9 * unit;
        PlotRight = width - (2 * unit);
        PlotTop = (PlotFont.CellHeight * (TextScale + 1)) + (PlotFont.CellHeight * TextScale) + 24;
        PlotBottom = height - (PlotFont.CellHeight * TextScale * 2) - 16;

        // x: whole epochs, from the start of the first one logged to the end of the last.
        MinEpoch = history.Records.Min(r => r.Epoch) - 1;
        MaxEpoch = Math.Max(Math.Ceiling(history.Records.Max(r => r.Position) - 1e-9), MinEpoch + 1);
        EpochTicks = IntegerTicks(MinEpoch, MaxEpoch);

        legend = LegendLabels();

        // y: log10 of the positive losses, padded, raised if needed so that no point lies under the legend.
        double[] logs = history.Records.Where(r => r.Value > 0).Select(r => Math.Log10(r.Value)).ToArray();
        double lo = logs.Length > 0 ? logs.Min() : -3, hi = logs.Length > 0 ? logs.Max() : 0;
        double pad = Math.Max(0.04 * (hi - lo), 0.02);
        lo -= pad;
        hi += pad;
        double legendLeft = MinEpoch + ((double)(LegendLeftPixel - PlotLeft) / (PlotRight - PlotLeft) * (MaxEpoch - MinEpoch));
        double legendBottom = LegendBottomPixel - PlotTop + 6;
        double fraction = legendBottom / (PlotBottom - PlotTop);
        foreach (LossRecord r in history.Records.Where(r => r.Value > 0 && r.Position >= legendLeft - 0.02 * (MaxEpoch - MinEpoch)))
        {
            hi = Math.Max(hi, (Math.Log10(r.Value) - (fraction * lo)) / (1 - fraction));
        }

        (LossTicks, logMin, logMax) = LogTicks(lo, hi, PlotBottom - PlotTop);
    }

    public string Title { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The plot area in pixels: x from <see cref="PlotLeft"/> to <see cref="PlotRight"/>, y from
    /// <see cref="PlotTop"/> (highest loss) to <see cref="PlotBottom"/>.</summary>
    public int PlotLeft { get; }

    public int PlotRight { get; }

    public int PlotTop { get; }

    public int PlotBottom { get; }

    /// <summary>The x axis runs from this epoch position (the start of the first epoch in the history) …</summary>
    public double MinEpoch { get; }

    /// <summary>… to this one (the end of the last).</summary>
    public double MaxEpoch { get; }

    /// <summary>The lowest loss the y axis shows.</summary>
    public double MinLoss => Math.Pow(10, logMin);

    /// <summary>The highest loss the y axis shows.</summary>
    public double MaxLoss => Math.Pow(10, logMax);

    /// <summary>The labelled epochs on the x axis.</summary>
    public IReadOnlyList<int> EpochTicks { get; }

    /// <summary>The labelled losses on the y axis (1, 2 and 5, or 1 to 9, times powers of ten, as the range allows).</summary>
    public IReadOnlyList<double> LossTicks { get; }

    /// <summary>The legend's entries, top to bottom.</summary>
    public IReadOnlyList<string> Legend => legend;

    /// <summary>Pixel column of an epoch position.</summary>
    public float X(double epoch) => (float)(PlotLeft + ((epoch - MinEpoch) / (MaxEpoch - MinEpoch) * (PlotRight - PlotLeft)));

    /// <summary>Pixel row of a loss (> 0).</summary>
    public float Y(double loss) => (float)(PlotBottom - ((Math.Log10(loss) - logMin) / (logMax - logMin) * (PlotBottom - PlotTop)));

    /// <summary>The label of a loss tick: plain decimals from 1e-4 up, otherwise <c>2e-5</c> style.</summary>
    public static string FormatLoss(double value)
    {
        if (value is >= 1e-4 and < 1e6)
        {
            return value.ToString("0.##########", CultureInfo.InvariantCulture);
        }

        int exponent = (int)Math.Floor(Math.Log10(value));
        double mantissa = Math.Round(value / Math.Pow(10, exponent), 3);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa:0.###}e{exponent}");
    }

    /// <summary>Draws the chart.</summary>
    public RgbImage Render()
    {
        var canvas = new PlotCanvas(Width, Height, Background);
        DrawGridAndAxes(canvas);
        DrawCurves(canvas);
        DrawLegend(canvas);

        int titleScale = TextScale + 1;
        canvas.Text(Title, (Width - PlotFont.Measure(Title, titleScale)) / 2, 10, titleScale, TextColor);
        canvas.Text("loss (log scale)", PlotLeft - (PlotFont.Measure("0", TextScale) * 2), PlotTop - (PlotFont.CellHeight * TextScale) - 8, TextScale, TextColor);
        const string xLabel = "epoch";
        int tickLabelBottom = PlotBottom + 8 + (PlotFont.CellHeight * TextScale);
        canvas.Text(xLabel, ((PlotLeft + PlotRight) / 2) - (PlotFont.Measure(xLabel, TextScale) / 2), tickLabelBottom + 4, TextScale, TextColor);
        return canvas.Image;
    }

    /// <summary>Renders and writes a PNG, whole or not at all (temporary file and rename).</summary>
    public void Save(string path) => ImageSaver.Save(Render(), path);

    private int LegendWidth => (2 * LegendPadding) + LegendSample + 8 + legend.Max(l => PlotFont.Measure(l, TextScale));

    private int LegendLeftPixel => PlotRight - 10 - LegendWidth;

    private int LegendBottomPixel => PlotTop + 10 + (2 * LegendPadding) + (legend.Count * LegendRow) - 8;

    private List<string> LegendLabels()
    {
        var labels = new List<string>();
        LossRecord[] blocks = history.OfKind(LossKind.Block).ToArray();
        if (blocks.Length > 0)
        {
            // Name the block size when it is the same everywhere (the steps between consecutive lines of an epoch).
            int[] sizes = blocks.Zip(blocks.Skip(1)).Where(p => p.First.Epoch == p.Second.Epoch).Select(p => p.Second.Step - p.First.Step).Distinct().ToArray();
            int size = sizes.Length == 1 ? sizes[0] : blocks.All(b => b.Step == blocks[0].Step) ? blocks[0].Step : 0;
            labels.Add(size > 0 ? string.Create(CultureInfo.InvariantCulture, $"train, mean of {size} steps") : "train, mean of each block of steps");
        }

        if (history.OfKind(LossKind.Train).Any())
        {
            labels.Add("train, epoch mean");
        }

        if (history.OfKind(LossKind.Validation).Any())
        {
            labels.Add("validation");
        }

        return labels;
    }

    private void DrawGridAndAxes(PlotCanvas canvas)
    {
        int plotWidth = PlotRight - PlotLeft, plotHeight = PlotBottom - PlotTop;

        // Minor grid: every 1..9 times a power of ten inside the range.
        for (int exponent = (int)Math.Floor(logMin); exponent <= (int)Math.Ceiling(logMax); exponent++)
        {
            for (int mantissa = 1; mantissa <= 9; mantissa++)
            {
                double value = mantissa * Math.Pow(10, exponent);
                double log = Math.Log10(value);
                if (log > logMin && log < logMax)
                {
                    canvas.FillRectangle(PlotLeft, (int)MathF.Round(Y(value)), plotWidth, 1, MinorGridColor);
                }
            }
        }

        foreach (double tick in LossTicks)
        {
            canvas.YTick(PlotLeft, PlotRight, (int)MathF.Round(Y(tick)), FormatLoss(tick), TextScale);
        }

        foreach (int tick in EpochTicks)
        {
            canvas.XTick(PlotTop, PlotBottom, (int)MathF.Round(X(tick)), tick.ToString(CultureInfo.InvariantCulture), TextScale);
        }

        canvas.DrawRectangle(PlotLeft, PlotTop, plotWidth + 1, plotHeight + 1, AxisColor);
    }

    private void DrawCurves(PlotCanvas canvas)
    {
        // Block means: one line per stretch of consecutive epochs (a gap in a resumed history is not bridged).
        var stretch = new List<(float X, float Y)>();
        int lastEpoch = int.MinValue;
        foreach (LossRecord r in history.OfKind(LossKind.Block).Where(r => r.Value > 0))
        {
            if (r.Epoch > lastEpoch + 1 && stretch.Count > 0)
            {
                canvas.Polyline(stretch, BlockLineWidth, BlockColor);
                stretch.Clear();
            }

            stretch.Add((X(r.Position), Y(r.Value)));
            lastEpoch = r.Epoch;
        }

        canvas.Polyline(stretch, BlockLineWidth, BlockColor);

        (float X, float Y)[] train = EpochPoints(LossKind.Train);
        canvas.Polyline(train, EpochLineWidth, TrainColor);
        foreach ((float x, float y) in train)
        {
            canvas.Disc(x, y, DiscRadius, TrainColor);
        }

        (float X, float Y)[] validation = EpochPoints(LossKind.Validation);
        canvas.Polyline(validation, EpochLineWidth, ValidationColor);
        foreach ((float x, float y) in validation)
        {
            Square(canvas, x, y, ValidationColor);
        }
    }

    private (float X, float Y)[] EpochPoints(LossKind kind) =>
        history.OfKind(kind).Where(r => r.Value > 0).Select(r => (X(r.Position), Y(r.Value))).ToArray();

    private static void Square(PlotCanvas canvas, float x, float y, Rgb24 color) =>
        canvas.FillRectangle((int)MathF.Round(x - (SquareSide / 2f)), (int)MathF.Round(y - (SquareSide / 2f)), SquareSide, SquareSide, color);

    private void DrawLegend(PlotCanvas canvas)
    {
        if (legend.Count == 0)
        {
            return;
        }

        int left = LegendLeftPixel, top = PlotTop + 10, bottom = LegendBottomPixel;
        canvas.FillRectangle(left, top, LegendWidth, bottom - top, Background);
        canvas.DrawRectangle(left, top, LegendWidth, bottom - top, GridColor);
        for (int i = 0; i < legend.Count; i++)
        {
            string label = legend[i];
            float y = top + LegendPadding + (i * LegendRow) + (PlotFont.CapHeight * TextScale / 2f);
            float x0 = left + LegendPadding, x1 = x0 + LegendSample;
            if (label.StartsWith("train, mean", StringComparison.Ordinal))
            {
                canvas.Polyline([(x0, y), (x1, y)], BlockLineWidth, BlockColor);
            }
            else if (label.StartsWith("train", StringComparison.Ordinal))
            {
                canvas.Polyline([(x0, y), (x1, y)], EpochLineWidth, TrainColor);
                canvas.Disc((x0 + x1) / 2, y, DiscRadius, TrainColor);
            }
            else
            {
                canvas.Polyline([(x0, y), (x1, y)], EpochLineWidth, ValidationColor);
                Square(canvas, (x0 + x1) / 2, y, ValidationColor);
            }

            canvas.Text(label, (int)x1 + 8, top + LegendPadding + (i * LegendRow), TextScale, TextColor);
        }
    }

    private static int[] IntegerTicks(double min, double max)
    {
        double span = max - min;
        int step = 1;
        foreach (int candidate in new[] { 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000 })
        {
            step = candidate;
            if (span / candidate <= 10)
            {
                break;
            }
        }

        int first = (int)Math.Ceiling(min / step) * step;
        var ticks = new List<int>();
        for (int t = first; t <= max + 1e-9; t += step)
        {
            ticks.Add(t);
        }

        return [.. ticks];
    }

    /// <summary>Ticks at m·10^k inside [lo, hi] (log10 units, over <paramref name="pixels"/> rows): the densest set of
    /// mantissas m whose labels stay 10 pixels apart; the range is widened to the neighbouring ticks of 1..9
    /// when fewer than two fall inside.</summary>
    private static (double[] Ticks, double Lo, double Hi) LogTicks(double lo, double hi, int pixels)
    {
        double pixelsPerDecade = pixels / (hi - lo);
        int[][] sets = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 8], [1, 2, 3, 5], [1, 2, 5], [1, 3], [1]];
        double[] ticks = [];
        foreach (int[] mantissas in sets)
        {
            ticks = Candidates(lo, hi, mantissas).Where(t => Math.Log10(t) >= lo && Math.Log10(t) <= hi).ToArray();
            bool apart = ticks.Zip(ticks.Skip(1)).All(p => (Math.Log10(p.Second) - Math.Log10(p.First)) * pixelsPerDecade >= (PlotFont.CellHeight * TextScale) + 10);
            if (apart)
            {
                break;
            }
        }

        if (ticks.Length < 2)
        {
            double[] all = Candidates(lo - 1, hi + 1, [1, 2, 3, 4, 5, 6, 7, 8, 9]).ToArray();
            double below = all.Last(t => Math.Log10(t) < lo + 1e-12), above = all.First(t => Math.Log10(t) > hi - 1e-12);
            lo = Math.Min(lo, Math.Log10(below));
            hi = Math.Max(hi, Math.Log10(above));
            ticks = Candidates(lo, hi, [1, 2, 3, 4, 5, 6, 7, 8, 9]).Where(t => Math.Log10(t) >= lo - 1e-12 && Math.Log10(t) <= hi + 1e-12).ToArray();
        }

        return (ticks, lo, hi);
    }

    private static IEnumerable<double> Candidates(double lo, double hi, int[] mantissas)
    {
        for (int exponent = (int)Math.Floor(lo); exponent <= (int)Math.Ceiling(hi); exponent++)
        {
            foreach (int m in mantissas)
            {
                // m·10^k rounded to 12 significant digits, so that 3e-3 prints as 0.003.
                yield return double.Parse((m * Math.Pow(10, exponent)).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }
        }
    }
}

using System.Globalization;
using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training;

/// <summary>
/// A model zoo's speed against its accuracy as a chart: x is the median milliseconds per pass (from 0, so that
/// distances read as ratios), y is PCKh@0.5; each model a labelled point, float32 models as discs and quantized ones
/// as squares. Drawn like <see cref="LossPlot"/>, without a graphics package; the layout is computed in the
/// constructor and exposed for tests.
/// </summary>
public sealed class TradeOffPlot
{
    public const int DefaultWidth = 960;
    public const int DefaultHeight = 540;

    public static readonly Rgb24 FloatColor = new(70, 130, 200);
    public static readonly Rgb24 QuantizedColor = new(230, 110, 20);

    private const int TextScale = LossPlot.TextScale;
    private const float DiscRadius = 6f;
    private const int SquareSide = 12;
    private const int LabelGap = 10;

    private readonly TradeOffPoint[] points;

    /// <summary>Lays out the chart of <paramref name="points"/> (at least one, with finite values and positive times)
    /// on a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public TradeOffPlot(IReadOnlyList<TradeOffPoint> points, string title = "Speed against accuracy", int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);
        if (points.Count == 0)
        {
            throw new ArgumentException("there are no models to plot", nameof(points));
        }

        foreach (TradeOffPoint p in points)
        {
            if (p.Label is null || !(p.Milliseconds > 0) || double.IsInfinity(p.Milliseconds) || !double.IsFinite(p.Pckh))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"model '{p.Label}' needs a label, a positive finite time and a finite PCKh to be plotted ({p.Milliseconds} ms, {p.Pckh})"), nameof(points));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(width, 320);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 200);
        this.points = [.. points];
        Title = title;
        Width = width;
        Height = height;

        int unit = PlotFont.Advance * TextScale;
        PlotLeft = 7 * unit;
        PlotRight = width - (2 * unit);
        PlotTop = (PlotFont.CellHeight * (TextScale + 1)) + (PlotFont.CellHeight * TextScale) + 24;
        PlotBottom = height - (PlotFont.CellHeight * TextScale * 2) - 16;

        // x from 0; the right end leaves room for the longest label beside the slowest model.
        double slowest = this.points.Max(p => p.Milliseconds);
        int widestLabel = this.points.Max(p => PlotFont.Measure(p.Label, TextScale)) + LabelGap + SquareSide;
        double labelRoom = Math.Min(0.6, (double)widestLabel / (PlotRight - PlotLeft));
        (XTicks, MinMilliseconds, MaxMilliseconds) = LinearTicks(0, slowest / (1 - labelRoom), 8);

        double lo = this.points.Min(p => p.Pckh), hi = this.points.Max(p => p.Pckh);
        double pad = Math.Max(0.08 * (hi - lo), 1);
        (YTicks, MinPckh, MaxPckh) = LinearTicks(Math.Max(lo - pad, 0), Math.Min(hi + pad, 100), 6);
        LabelBoxes = PlaceLabels();
    }

    public string Title { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The plotting area in pixels; the axes' ends map onto its edges.</summary>
    public int PlotLeft { get; }

    public int PlotRight { get; }

    public int PlotTop { get; }

    public int PlotBottom { get; }

    /// <summary>The x axis' range, 0 to a tick past the slowest model.</summary>
    public double MinMilliseconds { get; }

    public double MaxMilliseconds { get; }

    /// <summary>The y axis' range: ticks around the models' PCKh.</summary>
    public double MinPckh { get; }

    public double MaxPckh { get; }

    public IReadOnlyList<double> XTicks { get; }

    public IReadOnlyList<double> YTicks { get; }

    /// <summary>Where each model's label is drawn (in the order given): beside its point, on the right where it fits,
    /// moved a line up or down, or to the left, where it would overlap a label or marker placed before it.</summary>
    public IReadOnlyList<(int Left, int Top, int Width, int Height)> LabelBoxes { get; }

    /// <summary>The pixel column of <paramref name="milliseconds"/>.</summary>
    public float X(double milliseconds) => (float)(PlotLeft + ((milliseconds - MinMilliseconds) / (MaxMilliseconds - MinMilliseconds) * (PlotRight - PlotLeft)));

    /// <summary>The pixel row of <paramref name="pckh"/>.</summary>
    public float Y(double pckh) => (float)(PlotBottom - ((pckh - MinPckh) / (MaxPckh - MinPckh) * (PlotBottom - PlotTop)));

    /// <summary>Draws the chart.</summary>
    public RgbImage Render()
    {
        var canvas = new PlotCanvas(Width, Height, LossPlot.Background);
        DrawGridAndAxes(canvas);
        for (int i = 0; i < points.Length; i++)
        {
            TradeOffPoint p = points[i];
            float x = X(p.Milliseconds), y = Y(p.Pckh);
            if (p.Quantized)
            {
                canvas.FillRectangle((int)MathF.Round(x - (SquareSide / 2f)), (int)MathF.Round(y - (SquareSide / 2f)), SquareSide, SquareSide, QuantizedColor);
            }
            else
            {
                canvas.Disc(x, y, DiscRadius, FloatColor);
            }
        }

        for (int i = 0; i < points.Length; i++)
        {
            canvas.Text(points[i].Label, LabelBoxes[i].Left, LabelBoxes[i].Top, TextScale, LossPlot.TextColor);
        }

        int titleScale = TextScale + 1;
        canvas.Text(Title, (Width - PlotFont.Measure(Title, titleScale)) / 2, 10, titleScale, LossPlot.TextColor);
        const string yLabel = "PCKh at 0.5 (%), disc float32, square quantized";
        canvas.Text(yLabel, PlotLeft - PlotFont.Measure("00", TextScale), PlotTop - (PlotFont.CellHeight * TextScale) - 8, TextScale, LossPlot.TextColor);
        const string xLabel = "median ms per pass";
        int tickLabelBottom = PlotBottom + 8 + (PlotFont.CellHeight * TextScale);
        canvas.Text(xLabel, ((PlotLeft + PlotRight) / 2) - (PlotFont.Measure(xLabel, TextScale) / 2), tickLabelBottom + 4, TextScale, LossPlot.TextColor);
        return canvas.Image;
    }

    /// <summary>Renders and writes a PNG, whole or not at all (temporary file and rename).</summary>
    public void Save(string path) => ImageSaver.Save(Render(), path);

    /// <summary>A tick label: up to two decimals, trailing zeros dropped.</summary>
    public static string FormatTick(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private (int Left, int Top, int Width, int Height)[] PlaceLabels()
    {
        int height = PlotFont.CellHeight * TextScale, line = height + 2;
        var markers = points.Select(p => ((int)X(p.Milliseconds) - (SquareSide / 2), (int)Y(p.Pckh) - (SquareSide / 2), SquareSide, SquareSide)).ToList();
        var taken = new List<(int Left, int Top, int Width, int Height)>(markers);
        var boxes = new (int Left, int Top, int Width, int Height)[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            int x = (int)X(points[i].Milliseconds), y = (int)Y(points[i].Pckh);
            int width = PlotFont.Measure(points[i].Label, TextScale);
            int right = x + LabelGap, left = x - LabelGap - width, middle = y - (PlotFont.CapHeight * TextScale / 2);
            var candidates = new List<(int Left, int Top, int Width, int Height)>();
            foreach (int side in x + LabelGap + width <= PlotRight ? new[] { right, left } : [left, right])
            {
                foreach (int shift in new[] { 0, 1, -1, 2, -2 })
                {
                    candidates.Add((side, middle + (shift * line), width, height));
                }
            }

            // The first place that overlaps nothing drawn before it; if every one does, the plain one on the right.
            boxes[i] = candidates.FirstOrDefault(c => !taken.Any(t => Overlap(c, t)), candidates[0]);
            taken.Add(boxes[i]);
        }

        return boxes;
    }

    private static bool Overlap((int Left, int Top, int Width, int Height) a, (int Left, int Top, int Width, int Height) b) =>
        a.Left < b.Left + b.Width && b.Left < a.Left + a.Width && a.Top < b.Top + b.Height && b.Top < a.Top + a.Height;

    private void DrawGridAndAxes(PlotCanvas canvas)
    {
        foreach (double tick in YTicks)
        {
            canvas.YTick(PlotLeft, PlotRight, (int)MathF.Round(Y(tick)), FormatTick(tick), TextScale);
        }

        foreach (double tick in XTicks)
        {
            canvas.XTick(PlotTop, PlotBottom, (int)MathF.Round(X(tick)), FormatTick(tick), TextScale);
        }

        canvas.DrawRectangle(PlotLeft, PlotTop, PlotRight - PlotLeft + 1, PlotBottom - PlotTop + 1, LossPlot.AxisColor);
    }

    /// <summary>Ticks at multiples of 1, 2, 2.5 or 5 × 10^k, the smallest step that gives at most
    /// <paramref name="maxTicks"/> intervals; the range widened outwards to whole steps.</summary>
    private static (double[] Ticks, double Lo, double Hi) LinearTicks(double lo, double hi, int maxTicks)
    {
        if (hi <= lo)
        {
            hi = lo + 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10((hi - lo) / maxTicks)));
        double step = magnitude * 10;
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (Math.Ceiling((hi / (m * magnitude)) - 1e-9) - Math.Floor((lo / (m * magnitude)) + 1e-9) <= maxTicks)
            {
                step = m * magnitude;
                break;
            }
        }

        double first = Math.Floor((lo / step) + 1e-9), last = Math.Ceiling((hi / step) - 1e-9);
        var ticks = new List<double>();
        for (double t = first; t <= last; t++)
        {
            // Rounded to 12 significant digits, so that 0.1 steps print as 0.3, not 0.30000000000000004.
            ticks.Add(double.Parse((t * step).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }

        return ([.. ticks], ticks[0], ticks[^1]);
    }
}

using HourglassSimd.Imaging;
using HourglassSimd.Pose;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Training;

/// <summary>
/// An RGB image to draw a chart on: solid rectangles, anti-aliased polylines and discs (through the imaging library's
/// <see cref="CoverageRasterizer"/>) and text in <see cref="PlotFont"/>.
/// </summary>
internal sealed class PlotCanvas
{
    private readonly float[] mask;

    /// <summary>A canvas filled with <paramref name="background"/>.</summary>
    public PlotCanvas(int width, int height, Rgb24 background)
    {
        Image = new RgbImage(width, height);
        mask = new float[width * height];
        FillRectangle(Image, 0, 0, width, height, background);
    }

    public RgbImage Image { get; }

    public int Width => Image.Width;

    public int Height => Image.Height;

    /// <summary>Sets the pixels of the rectangle (clipped to the image) to <paramref name="color"/>.</summary>
    public static void FillRectangle(RgbImage image, int x, int y, int width, int height, Rgb24 color)
    {
        int left = Math.Max(x, 0), right = Math.Min(x + width, image.Width);
        int top = Math.Max(y, 0), bottom = Math.Min(y + height, image.Height);
        for (int row = top; row < bottom; row++)
        {
            Span<byte> pixels = image.GetRow(row);
            for (int column = left; column < right; column++)
            {
                pixels[3 * column] = color.R;
                pixels[(3 * column) + 1] = color.G;
                pixels[(3 * column) + 2] = color.B;
            }
        }
    }

    public void FillRectangle(int x, int y, int width, int height, Rgb24 color) => FillRectangle(Image, x, y, width, height, color);

    /// <summary>A one-pixel rectangle outline.</summary>
    public void DrawRectangle(int x, int y, int width, int height, Rgb24 color)
    {
        FillRectangle(x, y, width, 1, color);
        FillRectangle(x, y + height - 1, width, 1, color);
        FillRectangle(x, y, 1, height, color);
        FillRectangle(x + width - 1, y, 1, height, color);
    }

    /// <summary>An anti-aliased line of <paramref name="width"/> pixels through the points, with round joins and caps;
    /// every pixel is blended once, however many segments cover it.</summary>
    public void Polyline(IReadOnlyList<(float X, float Y)> points, float width, Rgb24 color)
    {
        if (points.Count == 0)
        {
            return;
        }

        for (int i = 0; i < points.Count; i++)
        {
            (float x0, float y0) = points[i];
            (float x1, float y1) = points[Math.Min(i + 1, points.Count - 1)];
            CoverageRasterizer.CoverCapsule(mask, Width, Height, x0, y0, x1, y1, width / 2);
        }

        CoverageRasterizer.FillMask(Image, mask, color);
    }

    /// <summary>An anti-aliased filled disc.</summary>
    public void Disc(float x, float y, float radius, Rgb24 color) =>
        CoverageRasterizer.FillDisc(Image, x, y, radius, color, antiAliasing: true);

    /// <summary>A y-axis tick at row <paramref name="y"/>: a grid line across the plotting area, a 6-pixel mark left of
    /// it and the label right-aligned 10 pixels before the axis, centred on the row.</summary>
    public void YTick(int plotLeft, int plotRight, int y, string label, int scale)
    {
        FillRectangle(plotLeft, y, plotRight - plotLeft, 1, LossPlot.GridColor);
        FillRectangle(plotLeft - 6, y, 6, 1, LossPlot.AxisColor);
        Text(label, plotLeft - 10 - PlotFont.Measure(label, scale), y - (PlotFont.CapHeight * scale / 2), scale, LossPlot.TextColor);
    }

    /// <summary>An x-axis tick at column <paramref name="x"/>: a grid line down the plotting area, a 6-pixel mark below
    /// it and the label centred 10 pixels under the axis.</summary>
    public void XTick(int plotTop, int plotBottom, int x, string label, int scale)
    {
        FillRectangle(x, plotTop, 1, plotBottom - plotTop, LossPlot.GridColor);
        FillRectangle(x, plotBottom, 1, 6, LossPlot.AxisColor);
        Text(label, x - (PlotFont.Measure(label, scale) / 2), plotBottom + 10, scale, LossPlot.TextColor);
    }

    /// <summary>Text with the top of its cell at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void Text(string text, int x, int y, int scale, Rgb24 color) => PlotFont.Draw(Image, text, x, y, scale, color);
}

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HourglassSimd.Cli.Tests.Support;

/// <summary>Real PNG and JPEG files written with ImageSharp: a gradient with a bright "figure" so that crops differ.</summary>
public static class TestImages
{
    public static string WritePng(string path, int width, int height, int seed = 1)
    {
        using var image = Create(width, height, seed);
        image.SaveAsPng(path);
        return path;
    }

    public static string WriteJpeg(string path, int width, int height, int seed = 1)
    {
        using var image = Create(width, height, seed);
        image.SaveAsJpeg(path);
        return path;
    }

    public static string WriteBmp(string path, int width, int height, int seed = 1)
    {
        using var image = Create(width, height, seed);
        image.SaveAsBmp(path);
        return path;
    }

    /// <summary>A file with an image extension whose content is not an image.</summary>
    public static string WriteBroken(string path)
    {
        File.WriteAllText(path, "this is not an image");
        return path;
    }

    private static Image<Rgb24> Create(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        int cx = width / 3 + random.Next(width / 3), top = height / 6, bottom = height - height / 6;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool figure = y >= top && y < bottom && Math.Abs(x - cx) < width / 10 + (y - top) / 8;
                image[x, y] = figure
                    ? new Rgb24(230, (byte)(180 + random.Next(40)), 160)
                    : new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), (byte)random.Next(80));
            }
        }
        return image;
    }
}

using System.Numerics.Tensors;
using HourglassSimd.Topology;

namespace HourglassSimd.Quantization;

/// <summary>
/// The network run in float32 on one image with every activation a quantized plan stores kept apart and handed to an
/// observer under its <see cref="ActivationNames"/> name: what calibration measures. Plain NCHW maps; convolutions as
/// im2col and one <see cref="TensorPrimitives.MultiplyAdd(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
/// per weight, over the output channels in parallel. Not the engine's fast path: only calibration uses it.
/// </summary>
internal sealed class FloatActivationRun : IHourglassVisitor<FloatActivationRun.Map>
{
    /// <summary>One activation: <see cref="Channels"/> planes of <see cref="Height"/> x <see cref="Width"/> floats.</summary>
    public sealed class Map(int channels, int height, int width)
    {
        public int Channels { get; } = channels;
        public int Height { get; } = height;
        public int Width { get; } = width;
        public float[] Data { get; } = new float[channels * height * width];
        public int Plane => Height * Width;
    }

    private readonly HourglassWeights _folded;
    private readonly ReadOnlyMemory<float> _image;
    private readonly int _height, _width;
    private readonly Action<string, Map> _observe;

    private FloatActivationRun(HourglassWeights folded, ReadOnlyMemory<float> image, int height, int width, Action<string, Map> observe)
    {
        (_folded, _image, _height, _width, _observe) = (folded, image, height, width, observe);
    }

    /// <summary>Stacks' heatmaps of the run, in order.</summary>
    public List<Map> StackHeatmaps { get; } = [];

    /// <summary>Runs <paramref name="architecture"/> (its input size) on one plain CHW image and reports every named activation to <paramref name="observe"/>.</summary>
    public static IReadOnlyList<Map> Run(HourglassArchitecture architecture, HourglassWeights folded, ReadOnlyMemory<float> image, Action<string, Map> observe)
    {
        if (image.Length != architecture.InputChannels * architecture.InputHeight * architecture.InputWidth)
            throw new ArgumentException($"A calibration image must have {architecture.InputChannels} x {architecture.InputHeight} x {architecture.InputWidth} floats, not {image.Length}.", nameof(image));
        var run = new FloatActivationRun(folded, image, architecture.InputHeight, architecture.InputWidth, observe);
        HourglassTopology.Walk(architecture, run);
        return run.StackHeatmaps;
    }

    public Map Image(int channels)
    {
        var map = new Map(channels, _height, _width);
        _image.Span.CopyTo(map.Data);
        _observe(ActivationNames.Image, map);
        return map;
    }

    public Map Convolution(ConvStep step, Map input, Map? residual)
    {
        if (step.Groups != 1 && !step.IsDepthwise)
            throw new NotSupportedException(
                $"'{step.Name}' is a grouped convolution ({step.Groups} groups); calibration runs full and depthwise convolutions only.");
        if (step.Prologue is { } prologue)
        {
            input = PreActivate(input, _folded.Get(prologue.Name + ".scale").Data, _folded.Get(prologue.Name + ".shift").Data);
            _observe(ActivationNames.Of(prologue), input);
        }
        float[] weights = _folded.Get(step.Name + ".weight").Data, bias = _folded.Get(step.Name + ".bias").Data;
        var output = step.IsDepthwise ? ConvolveDepthwise(input, step, weights, bias) : Convolve(input, step, weights, bias);
        if (residual is not null)
            TensorPrimitives.Add(output.Data, residual.Data, output.Data);
        if (step.Relu)
            TensorPrimitives.Max(output.Data, 0f, output.Data);
        _observe(ActivationNames.Of(step), output);
        return output;
    }

    public Map MaxPool(string name, Map input)
    {
        var output = new Map(input.Channels, input.Height / 2, input.Width / 2);
        for (int c = 0; c < input.Channels; c++)
        for (int y = 0; y < output.Height; y++)
        for (int x = 0; x < output.Width; x++)
        {
            int at = c * input.Plane + 2 * y * input.Width + 2 * x;
            float m = MathF.Max(MathF.Max(input.Data[at], input.Data[at + 1]), MathF.Max(input.Data[at + input.Width], input.Data[at + input.Width + 1]));
            output.Data[c * output.Plane + y * output.Width + x] = m;
        }
        return output;
    }

    public Map UpsampleAdd(string name, Map low, Map skip)
    {
        var output = new Map(skip.Channels, skip.Height, skip.Width);
        for (int c = 0; c < skip.Channels; c++)
        for (int y = 0; y < skip.Height; y++)
        for (int x = 0; x < skip.Width; x++)
        {
            int at = c * skip.Plane + y * skip.Width + x;
            output.Data[at] = skip.Data[at] + low.Data[c * low.Plane + (y / 2) * low.Width + x / 2];
        }
        _observe(ActivationNames.OfUpsampleAdd(name), output);
        return output;
    }

    public void Heatmaps(int stack, Map heatmaps) => StackHeatmaps.Add(heatmaps);

    private static Map PreActivate(Map input, float[] scale, float[] shift)
    {
        var output = new Map(input.Channels, input.Height, input.Width);
        for (int c = 0; c < input.Channels; c++)
        {
            var plane = output.Data.AsSpan(c * input.Plane, input.Plane);
            TensorPrimitives.Multiply(input.Data.AsSpan(c * input.Plane, input.Plane), scale[c], plane);
            TensorPrimitives.Add(plane, shift[c], plane);
            TensorPrimitives.Max(plane, 0f, plane);
        }
        return output;
    }

    private static Map Convolve(Map input, ConvStep step, float[] weights, float[] bias)
    {
        int k = step.KernelSize;
        var output = new Map(step.OutChannels, step.OutputSize(input.Height), step.OutputSize(input.Width));
        float[] columns = k == 1 && step.Stride == 1 ? input.Data : Im2Col(input, k, step.Stride, step.Padding, output.Height, output.Width);
        int rows = step.InChannels * k * k, plane = output.Plane;
        Parallel.For(0, step.OutChannels, o =>
        {
            var destination = output.Data.AsSpan(o * plane, plane);
            destination.Fill(bias[o]);
            for (int j = 0; j < rows; j++)
            {
                float w = weights[o * rows + j];
                if (w != 0)
                    TensorPrimitives.MultiplyAdd(columns.AsSpan(j * plane, plane), w, destination, destination);
            }
        });
        return output;
    }

    /// <summary>Each channel convolved with its own k x k filter (weights [channels, 1, k, k]).</summary>
    private static Map ConvolveDepthwise(Map input, ConvStep step, float[] weights, float[] bias)
    {
        int k = step.KernelSize;
        var output = new Map(step.OutChannels, step.OutputSize(input.Height), step.OutputSize(input.Width));
        Parallel.For(0, step.OutChannels, c =>
        {
            var single = new Map(1, input.Height, input.Width);
            input.Data.AsSpan(c * input.Plane, input.Plane).CopyTo(single.Data);
            float[] columns = Im2Col(single, k, step.Stride, step.Padding, output.Height, output.Width);
            var destination = output.Data.AsSpan(c * output.Plane, output.Plane);
            destination.Fill(bias[c]);
            for (int j = 0; j < k * k; j++)
                TensorPrimitives.MultiplyAdd(columns.AsSpan(j * output.Plane, output.Plane), weights[c * k * k + j], destination, destination);
        });
        return output;
    }

    /// <summary>Row (i, ky, kx) holds, for every output pixel, the input pixel that tap reads (0 outside the input).</summary>
    private static float[] Im2Col(Map input, int k, int stride, int pad, int outHeight, int outWidth)
    {
        int plane = outHeight * outWidth;
        var columns = new float[input.Channels * k * k * plane];
        for (int i = 0; i < input.Channels; i++)
        for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++)
        {
            int row = ((i * k + ky) * k + kx) * plane;
            for (int oy = 0; oy < outHeight; oy++)
            {
                int y = oy * stride + ky - pad;
                if (y < 0 || y >= input.Height)
                    continue;
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int x = ox * stride + kx - pad;
                    if (x >= 0 && x < input.Width)
                        columns[row + oy * outWidth + ox] = input.Data[i * input.Plane + y * input.Width + x];
                }
            }
        }
        return columns;
    }
}

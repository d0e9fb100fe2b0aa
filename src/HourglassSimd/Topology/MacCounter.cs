namespace HourglassSimd.Topology;

/// <summary>Counts a walk's convolution multiply-accumulates per image (the direct-convolution count), tracking map sizes.</summary>
internal sealed class MacCounter(HourglassArchitecture architecture) : IHourglassVisitor<MacCounter.Map>
{
    /// <summary>A tensor's spatial size.</summary>
    internal sealed record Map(int Height, int Width);

    public long Total { get; private set; }

    public Map Image(int channels) => new(architecture.InputHeight, architecture.InputWidth);

    public Map Convolution(ConvStep step, Map input, Map? residual)
    {
        var output = new Map(step.OutputSize(input.Height), step.OutputSize(input.Width));
        Total += step.MacCount(output.Height, output.Width);
        return output;
    }

    public Map MaxPool(string name, Map input) => new(input.Height / 2, input.Width / 2);

    public Map UpsampleAdd(string name, Map low, Map skip) => skip;

    public void Heatmaps(int stack, Map heatmaps)
    {
    }
}

namespace HourglassSimd.Graph;

/// <summary>Copies the caller's plain CHW image into the plan's input value (and clears its halo).</summary>
internal sealed unsafe class ImportImageLayer(Value image) : Layer
{
    public override IEnumerable<Value> Inputs => [];

    public override Value Output => image;

    public override string Describe() => "import image";

    public override void Run(RunContext context)
    {
        float* destination = context.Pointer(image);
        image.Layout.ZeroHalo(destination);
        image.Layout.PackFrom(new ReadOnlySpan<float>(context.Image, image.Channels * image.Height * image.Width), destination);
    }
}

/// <summary>Copies one stack's heatmaps out to the caller's plain [stacks][joints][h][w] buffer.</summary>
internal sealed unsafe class ExportHeatmapsLayer(Value heatmaps, int stack) : Layer
{
    public override IEnumerable<Value> Inputs => [heatmaps];

    public override Value? Output => null;

    public override string Describe() => "export heatmaps";

    public override void Run(RunContext context)
    {
        int size = heatmaps.Channels * heatmaps.Height * heatmaps.Width;
        heatmaps.Layout.UnpackTo(context.Pointer(heatmaps), new Span<float>(context.Heatmaps + (nint)stack * size, size));
    }
}

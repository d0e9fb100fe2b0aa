using HourglassSimd.Kernels;

namespace HourglassSimd.Graph;

/// <summary>The profile description of a depthwise layer on any path, e.g. <c>dwconv3x3 128 @64x64</c>.</summary>
internal static class DepthwiseDescription
{
    public static string Of(ConvParameters shape, Value output) =>
        $"dwconv{shape.KernelSize}x{shape.KernelSize} {shape.OutChannels} @{output.Height}x{output.Width}";
}

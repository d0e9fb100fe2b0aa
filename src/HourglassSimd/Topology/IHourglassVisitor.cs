namespace HourglassSimd.Topology;

/// <summary>
/// What <see cref="HourglassTopology.Walk{T}"/> calls, in execution order, for every operation of the network; each
/// consumer (the engine's plan builder, the weight layout, the ONNX exporter, the MAC count) builds its own form of
/// the network from these calls. <typeparamref name="T"/> is the consumer's handle of a tensor.
/// </summary>
public interface IHourglassVisitor<T> where T : class
{
    /// <summary>The input image, <paramref name="channels"/> x H x W.</summary>
    T Image(int channels);

    /// <summary>A convolution step; <paramref name="residual"/> is added before the ReLU when not null (then <see cref="ConvStep.SumName"/> is set).</summary>
    T Convolution(ConvStep step, T input, T? residual);

    /// <summary>Max pooling 2x2, stride 2.</summary>
    T MaxPool(string name, T input);

    /// <summary><c>skip + nearest-upsample-2x(low)</c>; <paramref name="skip"/> is not used afterwards.</summary>
    T UpsampleAdd(string name, T low, T skip);

    /// <summary>Stack <paramref name="stack"/>'s heatmaps, an output of the network.</summary>
    void Heatmaps(int stack, T heatmaps);
}

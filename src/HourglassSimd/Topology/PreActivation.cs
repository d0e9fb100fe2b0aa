namespace HourglassSimd.Topology;

/// <summary>
/// A batch norm + ReLU applied to a convolution's input (the opening of a pre-activation residual module). It acts
/// on the module input, which is also the shortcut, so it cannot fold into a convolution: trained weights
/// <c>Name.weight/.bias/.running_mean/.running_var</c>, folded <c>Name.scale</c> and <c>Name.shift</c>.
/// </summary>
/// <param name="Name">Tensor prefix, e.g. <c>hgs.0.0.up1.bn1</c>.</param>
/// <param name="Channels">Channels it normalizes.</param>
public sealed record PreActivation(string Name, int Channels);

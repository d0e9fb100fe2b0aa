namespace HourglassSimd.Training;

/// <summary>The <c>--device</c> option.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when <c>torch.cuda.is_available()</c>, else the CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}
